/**
 * The platform's invariants as CrossGuard policies (@pulumi/policy 1.21.0). The same objects serve the pack
 * (policy/index.ts, under `pulumi preview --policy-pack policy`) and the offline plan (lib/policyRun.ts calls the
 * validators directly: constructing a PolicyPack starts a gRPC server, pulumi-policy sdk/nodejs/policy/policy.ts).
 *
 * What a validator can see is what the engine sends an analyzer (pulumi pkg/resource/deploy/step_generator.go
 * `analyzeAll` and `AnalyzeResources`; the fields of proto/pulumi/analyzer.proto `AnalyzerResourceOptions`):
 * - a resource policy gets the inputs, and of the options protect, ignoreChanges, deleteBeforeReplace,
 *   additionalSecretOutputs, aliases, customTimeouts and parent, but not retainOnDelete nor dependsOn;
 * - a stack policy gets every resource's outputs with its dependencies (dependsOn and input dependencies);
 * - secrets arrive unwrapped (pulumi-policy deserialize.ts `deserializeProperties(..., false)`), so "is this value
 *   marked secret" cannot be asked; what can be asked is whether the provider keeps the field secret
 *   (additionalSecretOutputs) and whether a non-secret field holds something that looks like a credential.
 */
import type {
    Policies, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import * as yaml from "js-yaml";
import { UnknownValueError } from "./sdk";
import { catalog } from "../components/catalog/data";
import { applicationGate, fingerprintIgnoreRule, GatedSource } from "../lib/gates";
import { valueAt } from "../lib/merge";

export const applicationType = "kubernetes:argoproj.io/v1alpha1:Application";
export const secretType = "kubernetes:core/v1:Secret";
export const subscriptionType = "kubernetes:operators.coreos.com/v1alpha1:Subscription";
const helmReleaseTypes = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];
/** The component that registers the root Application (components/bootstrap/rootApp.ts). */
const rootAppParentType = "saif:bootstrap:RootApp";
/** The label Sealed Secrets' controller finds its keys by (bitnami-labs/sealed-secrets pkg/controller/keys.go `SealedSecretsKeyLabel`). */
export const sealingKeyLabel = "sealedsecrets.bitnami.com/sealed-secrets-key";
export const tierLabel = "saif.io/tier";
export const componentLabel = "saif.io/component";

/** What a policy needs beyond the resources: the fleet's rings and the stack files beside the program. */
export interface PolicyContext {
    /** fleet/rings.yaml as read (undefined when it is missing), or the reason it could not be read. */
    readonly rings: readonly { readonly name: string; readonly stacks: readonly string[] }[] | { readonly error: string };
    /** The stacks with a Pulumi.<stack>.yaml beside the program. */
    readonly stackFiles: readonly string[];
}

// ---- reading props (they may be the engine's unknown-checking proxy: every read can throw UnknownValueError)

type Json = unknown;
const at = (value: Json, ...path: (string | number)[]): Json => valueAt(value, path);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);
const record = (v: Json): Record<string, Json> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, Json>) : {});
const list = (v: Json): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** The last type in a URN's type chain, and the chain of its parents' types. */
export function urnTypes(urn: string): string[] {
    const parts = urn.split("::");
    return (parts[2] ?? "").split("$");
}

// ---- failing closed on unknowns

/**
 * CrossGuard turns a policy that reads an unknown value at preview into an advisory "can't run policy ... during
 * preview" (pulumi-policy sdk/nodejs/policy/server.ts, the `UnknownValueError` branch), so a mandatory invariant
 * would pass silently exactly when a value is not known yet. The validators run inside this wrapper instead: an
 * unknown becomes a violation of the policy's own level. The pack's config can relax a policy per run
 * (`failOnUnknown: false` in a --policy-pack-config file), which gives back CrossGuard's behaviour.
 */
function closed<A extends ResourceValidationArgs | StackValidationArgs>(
    validate: (args: A, report: ReportViolation) => void,
): (args: A, report: ReportViolation) => void {
    return (args, report) => {
        try {
            validate(args, report);
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            const config = args.getConfig<{ failOnUnknown?: boolean }>();
            if (config.failOnUnknown === false) throw e;
            const urn = "urn" in args ? args.urn : undefined;
            report(`${e.message}, so this invariant cannot be checked; run the preview once the value is known (after pulumi up of what it comes from), ` +
                "or set failOnUnknown: false for this policy in a --policy-pack-config file", urn);
        }
    };
}

const failOnUnknownSchema = { properties: { failOnUnknown: { type: "boolean" as const, default: true } } };

// ---- the policies

function isRootApp(urn: string): boolean {
    return urnTypes(urn).slice(0, -1).includes(rootAppParentType);
}

function gatedSource(spec: Json): GatedSource | undefined {
    const s = record(at(spec, "source"));
    const repoURL = str(s.repoURL);
    const targetRevision = str(s.targetRevision);
    if (repoURL === undefined || targetRevision === undefined) return undefined;
    const out: Record<string, Json> = { repoURL, targetRevision };
    for (const k of ["path", "chart", "helm", "kustomize", "directory"]) if (s[k] !== undefined) out[k] = s[k];
    return out as unknown as GatedSource;
}

/** Why an Application's gate is not the one lib/gates.ts builds for its source; undefined when it is. */
export function gateProblem(props: Json, healthy: boolean): string | undefined {
    const annotations = record(at(props, "metadata", "annotations"));
    if (str(annotations["pulumi.com/skipAwait"]) === "true") return "has pulumi.com/skipAwait: true, so Pulumi never waits for it";
    if (at(props, "spec", "sources") !== undefined) return "has spec.sources; a gate names one source (spec.source)";
    const source = gatedSource(at(props, "spec"));
    if (!source) return "has no spec.source with repoURL and targetRevision";
    const raw = str(annotations["pulumi.com/waitFor"]);
    if (raw === undefined) return "has no pulumi.com/waitFor gate";
    let gate: unknown;
    try {
        gate = JSON.parse(raw);
    } catch {
        gate = [raw];
    }
    const have = new Set(list(gate).map(String));
    const missing = applicationGate(source, { healthy }).filter((c) => !have.has(c));
    if (missing.length > 0) return `gate lacks ${missing.join(", ")}`;
    const rule = record(list(at(props, "spec", "ignoreDifferences"))[0]);
    const want = fingerprintIgnoreRule(source);
    if (rule.group !== want.group || rule.kind !== want.kind || rule.name !== want.name) {
        return `spec.ignoreDifferences[0] is not the source's fingerprint rule ${want.kind}/${want.name}, which the gate reads back from status.sync.comparedTo`;
    }
    return undefined;
}

const applicationGated: ResourceValidationPolicy = {
    name: "application-health-gate",
    description: "Every catalog Application carries a health gate bound to its source and revision (Synced and Healthy for " +
        "exactly this spec), and the root Application a sync gate: a later tier starts only on the previous one's verdict " +
        "for the revision just written, never on a stale Healthy.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "render the Application with lib/application.ts (gateAnnotation and fingerprintIgnoreRule) instead of writing its annotations by hand",
    configSchema: failOnUnknownSchema,
    validateResource: closed((args, report) => {
        if (args.type !== applicationType) return;
        const root = isRootApp(args.urn);
        const problem = gateProblem(args.props, !root);
        if (problem) report(problem);
    }),
};

const applicationProject: ResourceValidationPolicy = {
    name: "application-project",
    description: "Every catalog Application belongs to the saif-platform AppProject (and the root to saif-root): the project " +
        "limits each Application to the repository, the namespaces and the cluster-scoped kinds the catalog declares.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "set spec.project to saif-platform (saif-root for the root Application)",
    configSchema: failOnUnknownSchema,
    validateResource: closed((args, report) => {
        if (args.type !== applicationType) return;
        const want = isRootApp(args.urn) ? "saif-root" : "saif-platform";
        const project = str(at(args.props, "spec", "project"));
        if (project !== want) report(`spec.project is ${JSON.stringify(project ?? null)}, not ${want}`);
    }),
};

const tierOrder: StackValidationPolicy = {
    name: "tier-order",
    description: "No dependency points to a later tier: a tier-N Application that waits for a tier-M one with M > N would " +
        "deadlock the tiers (tier M waits for tier N to be Healthy) or hide a wrong order behind Argo CD's retries.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "move the dependency to the same or an earlier tier in components/catalog/data.ts, or drop it",
    configSchema: failOnUnknownSchema,
    validateStack: closed((args, report) => {
        const tierOf = (r: PolicyResource): number | undefined => {
            const t = str(at(r.props, "metadata", "labels", tierLabel));
            return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
        };
        for (const r of args.resources) {
            const tier = tierOf(r);
            if (tier === undefined) continue;
            for (const d of r.dependencies) {
                const dt = tierOf(d);
                if (dt !== undefined && dt > tier) report(`tier ${tier} depends on ${d.name} of tier ${dt}, a later tier`, r.urn);
            }
        }
    }),
};

const sealingKeyKept: ResourceValidationPolicy = {
    name: "sealing-key-kept",
    description: "The Sealed Secrets key Secret is protected and retained: every SealedSecret in Git is encrypted to it, so " +
        "a deleted key makes every committed secret unreadable on every cluster of the fleet.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "register the key Secret with { protect: true, retainOnDelete: true } (components/bootstrap/sealedSecretsKey.ts)",
    configSchema: failOnUnknownSchema,
    validateResource: closed((args, report) => {
        if (args.type !== secretType) return;
        if (str(at(args.props, "metadata", "labels", sealingKeyLabel)) === undefined) return;
        if (!args.opts.protect) report("the sealing key Secret is not protected");
        // retainOnDelete is not in AnalyzerResourceOptions (see the top of this file): only the offline plan, which
        // reads the registration itself, passes it.
        const retain = (args.opts as { retainOnDelete?: boolean }).retainOnDelete;
        if (retain === false) report("the sealing key Secret is not retained on delete");
    }),
};

/** Keys whose value is a credential (camelCase, snake_case and kebab-case ends). */
const credentialKey = /(password|passwd|passphrase|token|secret|api[-_]?key|private[-_]?key|access[-_]?key|client[-_]?secret|credentials?)$/i;
/** Keys that name where a credential is, not the credential. */
const referenceKey = /(name|ref|file|path|key[-_]?ref|secret[-_]?ref|mount|dir|env|enabled|create|existing.*|url|uri|endpoint|type|kind|namespace|label|selector|annotations?)$/i;
const privateKeyPem = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** NGC API keys (NVIDIA's documented prefix) and Splunk HEC tokens (a GUID) in plain values. */
const knownCredential = /\bnvapi-[A-Za-z0-9_-]{20,}|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;

/** Every plain value in `value` that looks like a credential, as "path: why". */
export function plainCredentials(value: Json, path: string): string[] {
    const found: string[] = [];
    const walk = (v: Json, p: string, key: string) => {
        if (typeof v === "string") {
            // Helm values given as YAML text: read them as the chart will.
            if (key === "values" && v.includes(":")) {
                let parsed: unknown;
                try {
                    parsed = yaml.load(v);
                } catch {
                    parsed = undefined;
                }
                if (parsed && typeof parsed === "object") {
                    walk(parsed, `${p}(yaml)`, "");
                    return;
                }
            }
            if (privateKeyPem.test(v)) found.push(`${p}: a PEM private key`);
            else if (key !== "" && credentialKey.test(key) && !referenceKey.test(key) && v.trim() !== "" && !/^\$\{.*\}$/.test(v.trim())) found.push(`${p}: a value under "${key}"`);
            else if (knownCredential.test(v) && !/(uid|id)$/i.test(key)) found.push(`${p}: a value shaped like an NGC key or a HEC token`);
            return;
        }
        if (Array.isArray(v)) {
            v.forEach((e, i) => walk(e, `${p}[${i}]`, key));
            return;
        }
        if (v && typeof v === "object") {
            const o = v as Record<string, Json>;
            // Helm parameters are {name, value} pairs: the name says what the value is.
            if (typeof o.name === "string" && "value" in o && Object.keys(o).every((k) => ["name", "value", "forceString"].includes(k))) {
                const last = o.name.split(".").pop() ?? "";
                walk(o.value, `${p}.value`, last);
                return;
            }
            for (const k of Object.keys(o)) walk(o[k], p === "" ? k : `${p}.${k}`, k);
        }
    };
    walk(value, path, "");
    return found;
}

const noPlaintextSecrets: ResourceValidationPolicy = {
    name: "no-plaintext-secrets",
    description: "No Kubernetes Secret leaves its data out of Pulumi's secret handling, and no other resource (Helm values, " +
        "Application parameters, ConfigMaps) carries a credential in plain text: those land unencrypted in the state, the " +
        "preview and the cluster's etcd.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "put the credential in a Secret (a SealedSecret in Git, or a secret stack config key) and reference it by name",
    configSchema: failOnUnknownSchema,
    validateResource: closed((args, report) => {
        if (args.type === secretType) {
            // @pulumi/kubernetes marks both fields secret for every Secret (core/v1/secret.ts `additionalSecretOutputs`);
            // a Secret built another way (a CustomResource, a YAML group) would not be.
            const kept = new Set(args.opts.additionalSecretOutputs);
            const open = ["data", "stringData"].filter((f) => !kept.has(f));
            if (open.length > 0) report(`the Secret's ${open.join(" and ")} are not additionalSecretOutputs, so the provider stores them in plain text`);
            return;
        }
        if (!args.type.startsWith("kubernetes:")) return;
        for (const hit of plainCredentials(args.props, "")) report(`plain-text credential at ${hit}`);
    }),
};

/** A channel name that carries a version (gitops-1.18, stable-4.18, v25.3): one that follows every release has none. */
export const versionedChannel = (channel: string) => /\d/.test(channel);
/** An exact chart version: no range, no wildcard, no "latest". */
export const exactVersion = (v: string) => /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(v);

const pinned: ResourceValidationPolicy = {
    name: "pinned-operators-and-charts",
    description: "Operator Subscriptions follow a versioned channel and charts an exact version: a floating channel or a chart " +
        "range upgrades a cluster when the catalog moves, not when this repository changes, and the fleet's rings stop meaning anything.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "name a versioned channel (e.g. argocd.channel: gitops-1.18) and an exact chart version",
    configSchema: failOnUnknownSchema,
    validateResource: closed((args, report) => {
        if (args.type === subscriptionType) {
            const channel = str(at(args.props, "spec", "channel"));
            if (channel === undefined) report("the Subscription names no channel, so OLM follows the package's default channel");
            else if (!versionedChannel(channel)) report(`channel ${channel} follows every release of the operator`);
            return;
        }
        if (args.type === applicationType) {
            const chart = str(at(args.props, "spec", "source", "chart"));
            const version = str(at(args.props, "spec", "source", "targetRevision")) ?? "";
            if (chart !== undefined && !exactVersion(version)) report(`chart ${chart} at ${JSON.stringify(version)} is not an exact version`);
            return;
        }
        if (helmReleaseTypes.includes(args.type)) {
            const version = str(at(args.props, "version")) ?? "";
            if (!exactVersion(version)) report(`the chart's version ${JSON.stringify(version)} is not an exact version`);
        }
    }),
};

/** The catalog components whose content ships CRDs (components/catalog/data.ts `shipsCrds`). */
const crdComponents = new Set(catalog.filter((c) => c.shipsCrds).map((c) => c.name));
const cascadeFinalizer = /^resources-finalizer\.argocd\.argoproj\.io(\/(foreground|background))?$/;

const noReplaceOrCrdPrune: ResourceValidationPolicy = {
    name: "no-replace-or-crd-prune",
    description: "No Application syncs with Replace=true (a replace deletes what a CRD owns and drops fields other managers " +
        "set) and none that ships CRDs cascades its deletion: deleting such an Application would delete the CRDs and with " +
        "them every object of their kinds.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "drop Replace=true (ServerSideApply=true fits large objects); give CRD-shipping components finalizer: none",
    configSchema: failOnUnknownSchema,
    validateResource: closed((args, report) => {
        if (args.type !== applicationType) return;
        const options = list(at(args.props, "spec", "syncPolicy", "syncOptions")).map(String);
        const annotation = str(at(args.props, "metadata", "annotations", "argocd.argoproj.io/sync-options")) ?? "";
        // gitops-engine pkg/sync/common/types.go SyncOptionReplace, read from the Application and from each object.
        if ([...options, ...annotation.split(",")].some((o) => o.trim() === "Replace=true")) report("syncs with Replace=true");
        const component = str(at(args.props, "metadata", "labels", componentLabel));
        const finalizers = list(at(args.props, "metadata", "finalizers")).map(String);
        if (component !== undefined && crdComponents.has(component) && finalizers.some((f) => cascadeFinalizer.test(f))) {
            report(`${component} ships CRDs and has the cascade finalizer ${finalizers.find((f) => cascadeFinalizer.test(f))}`);
        }
    }),
};

/**
 * Ring membership problems: every stack file beside the program in exactly one ring. The stack under preview has its
 * stack file there too (a stack planned from a file elsewhere, as the benchmarks do, is not a member of this fleet).
 */
export function ringProblems(context: PolicyContext): string[] {
    if ("error" in context.rings) return [context.rings.error];
    const rings = context.rings;
    const problems: string[] = [];
    const where = new Map<string, string[]>();
    for (const r of rings) for (const s of r.stacks) where.set(s, [...(where.get(s) ?? []), r.name]);
    for (const [s, names] of [...where].sort(([a], [b]) => a.localeCompare(b))) {
        if (names.length > 1) problems.push(`stack ${s} is in rings ${names.join(" and ")}; put it in exactly one`);
    }
    for (const s of [...context.stackFiles].sort()) if (!where.has(s)) problems.push(`stack ${s} (Pulumi.${s}.yaml) is in no ring of fleet/rings.yaml; add it to one`);
    return problems;
}

function ringMembership(context: PolicyContext): StackValidationPolicy {
    return {
        name: "ring-membership",
        description: "Ring membership is complete and disjoint across the fleet's stacks: a stack in no ring never gets a " +
            "release, a stack in two gets it twice and breaks the ring's failure budget.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "edit fleet/rings.yaml so that every Pulumi.<stack>.yaml is in exactly one ring, then npm run fleet -- workflow",
        configSchema: failOnUnknownSchema,
        validateStack: closed((args, report) => {
            const stackUrn = args.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
            for (const p of ringProblems(context)) report(p, stackUrn);
        }),
    };
}

/** Every policy of the pack, in the order the plan reports them. */
export function platformPolicies(context: PolicyContext): Policies {
    return [applicationGated, applicationProject, tierOrder, sealingKeyKept, noPlaintextSecrets, pinned, noReplaceOrCrdPrune, ringMembership(context)];
}
