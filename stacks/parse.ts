import { z } from "zod";
import { checkKeyPair } from "../lib/certs";
import { catalog, CatalogComponent, platformSecrets } from "../components/catalog";
import { closestName, findCycles, unknownDependencies } from "../lib/graph";
import { gateValueProblem } from "../lib/gates";
import { idmsPatches } from "../lib/mirrors";
import { clusterPolicyPatches, GpuDriverConfig, knownModelSizesGiB, nimCachePatches, nimServicePatches, quantityGiB, ServingConfig } from "../lib/serving";
import { patchProblems } from "../lib/patches";
import { deepMerge } from "../lib/merge";
import { defaultOpenShiftVersion, openshiftRelease } from "../lib/openshift";
import { catalogSourcePatches, intersightOtelValues, lvmsPatches, nfdInstancePatches, splunkOtelValues, splunkReporterPatches } from "../lib/siteContent";
import { ConfigProblems } from "../lib/problems";
import { checkRepository } from "./repository";
import { bootstrapSecretKeys, componentOverride, defOf, extraComponent, formatIssues, keyPath, objectKeys, simpleKeys } from "./schema";
import { ClusterComponent, ClusterConfig, full, KustomizePatch, project } from "./types";

/** A stack's configuration as it arrives: from the Pulumi runtime (strings, objects as JSON) or a stack file (YAML values). */
export interface RawConfig {
    /** Values by full key (`saif-platform:gpu`); keys of other namespaces are ignored. */
    readonly values: Readonly<Record<string, unknown>>;
    /** Full keys whose values are secure (`pulumi config set --secret`). */
    readonly secretKeys: ReadonlySet<string>;
    /** Full keys whose values are offline stand-ins (plan without --values): not checked as keys or certificates. */
    readonly standIns?: ReadonlySet<string>;
    /** The stack's name (the file's, `Pulumi.<stack>.yaml`), when known: the cluster must be the stack's. */
    readonly stack?: string;
    /** The other stacks beside it (a context naming one of them would touch that cluster). */
    readonly otherStacks?: readonly string[];
}

/** The StorageClass of the LVMCluster's one device class (vg1), made by lvms-operator. */
export const lvmsStorageClass = "lvms-vg1";

/** The fleet project's stack as the local backend names it (`pulumi login --local`). */
export const defaultFleetStack = "organization/saif-fleet/fleet";

export const secretConfigKeys: readonly string[] = [...new Set([...bootstrapSecretKeys, ...platformSecrets.map((s) => s.key)])];
const knownKeys = [...Object.keys(simpleKeys), ...Object.keys(objectKeys), ...secretConfigKeys];

/** The runtime passes structured values as JSON text and booleans as "true"/"false"; a stack file passes them decoded. */
export function decode(value: unknown, schema: z.ZodType): unknown {
    if (typeof value !== "string") return value;
    const type = defOf(schema).type;
    if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
    if (type === "object" || type === "record" || type === "array") {
        try {
            return JSON.parse(value);
        } catch {
            // Not JSON: judged as written, and reported as not a mapping or list.
        }
    }
    return value;
}

function deepFreeze<T>(value: T): T {
    // A primitive or null counts as frozen (Object.isFrozen, ES2015), so only objects are walked.
    if (!Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as object)) deepFreeze(v);
    }
    return value;
}

/**
 * What is left of an object once the fields with problems are dropped, if that parses: it lets the later checks
 * (dependencies, repository, secrets) report their problems too, in the same run. The run fails either way.
 */
function salvage<S extends z.ZodType>(schema: S, value: unknown, issues: readonly z.core.$ZodIssue[]): z.infer<S> | undefined {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    // A field with a problem, however deep (its first key), and the object's own unknown keys.
    const drop = new Set<PropertyKey>(issues.flatMap((i) => (i.path.length > 0 ? [i.path[0]] : i.code === "unrecognized_keys" ? i.keys : [])));
    const again = schema.safeParse(Object.fromEntries(Object.entries(value).filter(([k]) => !drop.has(k))));
    return again.success ? again.data : undefined;
}

/** The components that depend on `name`, directly or through each other, in catalog order. */
function transitiveDependents(components: readonly { name: string; dependsOn: readonly string[] }[], name: string): string[] {
    const out = new Set<string>();
    let grew = true;
    while (grew) {
        grew = false;
        for (const c of components) {
            if (out.has(c.name) || c.name === name) continue;
            if (c.dependsOn.some((d) => d === name || out.has(d))) {
                out.add(c.name);
                grew = true;
            }
        }
    }
    return components.map((c) => c.name).filter((n) => out.has(n));
}

/**
 * Validate a stack's configuration and resolve it into the cluster's components. Every problem is collected;
 * if there is any, one ConfigProblems is thrown whose lines each name a config key, the bad value and the fix.
 */
export function parseClusterConfig(raw: RawConfig, now: Date = new Date()): ClusterConfig {
    const problems: string[] = [];
    const ours = new Map<string, unknown>();
    for (const [k, v] of Object.entries(raw.values)) {
        if (!k.startsWith(`${project}:`)) {
            const [namespace, ...rest] = k.split(":");
            // The engine's own settings (pulumi:tags, ...) are not the program's to judge.
            if (namespace === "pulumi") continue;
            const key = rest.join(":");
            const near = knownKeys.includes(key) ? key : closestName(key, knownKeys);
            problems.push(`${k}: the program reads only ${project}:<key>, so this is ignored; ` +
                (near ? `did you mean ${JSON.stringify(full(near))}?` : `move it under ${project}: or remove it`));
            continue;
        }
        const key = k.slice(project.length + 1);
        if (!knownKeys.includes(key)) {
            const near = closestName(key, knownKeys);
            problems.push(`${k}: unknown config key; ` +
                (near ? `did you mean ${JSON.stringify(full(near))}?` : "see the config reference in docs/reference.md"));
            continue;
        }
        ours.set(key, v);
    }

    /** Each value as written (decoded), before its check: later checks tell "given but invalid" from "not given". */
    const written = new Map<string, unknown>();
    function read<S extends z.ZodType>(key: string, schema: S): z.infer<S> | undefined {
        const value = ours.get(key);
        if (value === undefined) return undefined;
        const decoded = decode(value, schema);
        written.set(key, decoded);
        const result = schema.safeParse(decoded, { reportInput: true });
        if (result.success) return result.data;
        problems.push(...formatIssues(full(key), schema, result.error.issues));
        return salvage(schema, decoded, result.error.issues);
    }
    /** A mapping of named entries, each checked on its own, so one bad entry does not hide the problems of the others. */
    function readEntries<S extends z.ZodType>(key: string, whole: z.ZodType, entry: S): Record<string, z.infer<S>> | undefined {
        const decoded = decode(ours.get(key), whole);
        // Not given, or not a mapping: read() returns nothing, or reports it as a whole.
        if (!decoded || typeof decoded !== "object" || Array.isArray(decoded)) return read(key, whole) as undefined;
        const out: Record<string, z.infer<S>> = {};
        for (const [name, v] of Object.entries(decoded as Record<string, unknown>)) {
            const keyResult = (defOf(whole).keyType ?? z.string()).safeParse(name);
            if (!keyResult.success) {
                problems.push(`${keyPath(full(key), [name])}: ${JSON.stringify(name)} is not a valid name; use a DNS label (lowercase letters, digits and "-")`);
                continue;
            }
            const result = entry.safeParse(v, { reportInput: true });
            if (result.success) {
                out[name] = result.data;
            } else {
                problems.push(...formatIssues(keyPath(full(key), [name]), entry, result.error.issues));
                const rest = salvage(entry, v, result.error.issues);
                if (rest !== undefined) out[name] = rest;
            }
        }
        return out;
    }
    const parsed = {
        cluster: read("cluster", simpleKeys.cluster),
        gpu: read("gpu", simpleKeys.gpu),
        adoptExisting: read("adoptExisting", simpleKeys.adoptExisting),
        kubernetes: read("kubernetes", objectKeys.kubernetes),
        gitops: read("gitops", objectKeys.gitops),
        argocd: read("argocd", objectKeys.argocd),
        mirror: read("mirror", objectKeys.mirror),
        sealedSecrets: read("sealedSecrets", objectKeys.sealedSecrets),
        rootApp: read("rootApp", objectKeys.rootApp),
        secretDelivery: read("secretDelivery", objectKeys.secretDelivery),
        certManager: read("certManager", objectKeys.certManager),
        serving: read("serving", objectKeys.serving),
        gpuDriver: read("gpuDriver", objectKeys.gpuDriver),
        openshift: read("openshift", objectKeys.openshift),
        splunk: read("splunk", objectKeys.splunk),
        lvms: read("lvms", objectKeys.lvms),
        components: readEntries("components", objectKeys.components, componentOverride),
        extraComponents: readEntries("extraComponents", objectKeys.extraComponents, extraComponent),
    };
    if (!ours.has("cluster")) problems.push(`${full("cluster")}: is required; set the cluster's name, e.g. pulumi config set cluster ai-pod-1`);
    if (!ours.has("gpu")) problems.push(`${full("gpu")}: is required; set true for a cluster with NVIDIA GPUs, false otherwise`);
    if (!ours.has("gitops")) problems.push(`${full("gitops")}.repoUrl: is required; set the GitOps repository's URL`);

    // Secrets must be secure config: a plain value would sit in Pulumi.<stack>.yaml, in Git, in clear text.
    for (const key of secretConfigKeys) {
        if (ours.has(key) && !raw.secretKeys.has(full(key))) {
            problems.push(`${full(key)}: is set in plain text; remove it and run: pulumi config set --secret ${key} <value>`);
        }
    }

    // gpu not set (reported above): judged as a GPU cluster, so no line claims that gpu is false.
    const gpu = parsed.gpu ?? true;
    const overrides = parsed.components ?? {};
    const extras = parsed.extraComponents ?? {};
    const gitops = parsed.gitops ?? { repoUrl: "" };
    const revision = gitops.revision ?? "main";
    const catalogNames = catalog.map((c) => c.name);

    for (const name of Object.keys(overrides)) {
        if (catalogNames.includes(name)) continue;
        const near = closestName(name, catalogNames);
        problems.push(`${keyPath(full("components"), [name])}: ${JSON.stringify(name)} is not a component; ` +
            (near ? `did you mean ${JSON.stringify(near)}?` : `add it under ${full("extraComponents")} instead`));
    }
    for (const name of Object.keys(extras)) {
        if (catalogNames.includes(name)) {
            problems.push(`${keyPath(full("extraComponents"), [name])}: ${JSON.stringify(name)} is already a catalog component; ` +
                `override it under ${full("components")}.${name} or pick another name`);
        }
    }

    const argocdNamespace = parsed.argocd?.namespace ?? (parsed.argocd?.flavor === "helm" ? "argocd" : "openshift-gitops");
    const certManagerOn = parsed.certManager?.enabled ?? false;

    const sv = parsed.serving ?? {};
    const serving: ServingConfig & { storageClassExists: boolean } = {
        image: sv.image ?? "nvcr.io/nim/meta/llama-3.2-1b-instruct",
        tag: sv.tag ?? "1.12.0",
        ...(sv.profiles ? { profiles: sv.profiles } : {}),
        ...(sv.gpuProduct ? { gpuProduct: sv.gpuProduct } : {}),
        engine: sv.engine ?? "tensorrt_llm",
        tensorParallelism: sv.tensorParallelism ?? "1",
        ...(sv.precision ? { precision: sv.precision } : {}),
        storageClass: sv.storageClass ?? lvmsStorageClass,
        storageClassExists: sv.storageClassExists ?? false,
        cacheSize: sv.cacheSize ?? "50Gi",
        gpus: sv.gpus ?? 1,
        ...(sv.modelMirror ? { modelMirror: sv.modelMirror } : {}),
        // The NGC pull secret the platform delivers (components/catalog/secrets.ts), unless the stack names another.
        pullSecret: sv.pullSecret ?? "ngc-secret",
    };
    const gd = parsed.gpuDriver ?? {};
    const gpuDriver: GpuDriverConfig = {
        precompiled: gd.precompiled ?? false,
        // Red Hat's precompiled driver images (NVIDIA/cloud-native-docs#486): tags per driver branch, e.g. 580.
        repository: gd.repository ?? "registry.redhat.io/nvidia",
        image: gd.image ?? "gpu-driver-rhel9",
        version: gd.version ?? "580",
    };
    const release = openshiftRelease(parsed.openshift?.version ?? defaultOpenShiftVersion)!;
    const lvms = { ...(parsed.lvms?.devicePaths ? { devicePaths: parsed.lvms.devicePaths } : {}), ...(parsed.lvms?.nodeSelector ? { nodeSelector: parsed.lvms.nodeSelector } : {}), defaultStorageClass: parsed.lvms?.defaultStorageClass ?? false };
    const splunk = parsed.splunk?.endpoint
        ? { endpoint: parsed.splunk.endpoint, metricsIndex: parsed.splunk.metricsIndex ?? "saif_metrics", ...(parsed.splunk.eventsIndex ? { eventsIndex: parsed.splunk.eventsIndex } : {}) }
        : undefined;
    /** Kustomize patches and estimates that the serving config makes on its three components. */
    const servingOverlay = (name: string): { patches: readonly KustomizePatch[]; estimateSeconds?: number; dropDeps?: readonly string[] } | undefined => {
        if (name === "nim-cache") {
            return {
                patches: nimCachePatches(serving),
                // From a local mirror, minutes instead of a ~21-minute NGC download (research: ~3 min).
                ...(serving.modelMirror ? { estimateSeconds: 180 } : {}),
                // Another StorageClass than the LVMS one, or LVMS off (a problem reported on serving.storageClass): no
                // wait for LVMS.
                ...(serving.storageClass !== lvmsStorageClass || overrides["lvms-operator"]?.enabled === false ? { dropDeps: ["lvms-operator"] } : {}),
            };
        }
        if (name === "nim-llm") return { patches: nimServicePatches(serving) };
        // The platform's mirrors from the stack's mirror registry (the base sets in apps/platform-idms are empty).
        if (name === "platform-idms" && parsed.mirror?.registry) return { patches: idmsPatches(parsed.mirror.registry) };
        // Precompiled: no build per node (NVIDIA maintainers: the stack is ready 3-5 min after a reboot).
        if (name === "gpu-cluster-policy") return { patches: clusterPolicyPatches(gpuDriver), ...(gpuDriver.precompiled ? { estimateSeconds: 240 } : {}) };
        // The cluster's OpenShift release and disks, and its Splunk (lib/siteContent.ts).
        if (name === "platform-catalogsources") return { patches: catalogSourcePatches(release) };
        if (name === "lvms-operator") return { patches: lvmsPatches(release, lvms) };
        if (name === "nfd-instance") return { patches: nfdInstancePatches(release) };
        if (name === "splunk-reporter" && splunk) return { patches: splunkReporterPatches(parsed.cluster ?? "", splunk) };
        return undefined;
    };

    // Which components are on: the catalog's defaults (Tier 3 only with GPUs), then the overrides.
    const resolve = (c: CatalogComponent, o: (typeof overrides)[string] | undefined, extra: boolean): ClusterComponent => {
        const overlay = extra ? undefined : servingOverlay(c.name);
        // The program's patches first, the stack's own after them (Kustomize applies them in order).
        const patches = [...(overlay?.patches ?? []), ...(o?.kustomize?.patches ?? [])];
        const own = c.dependsOn.filter((d) => !overlay?.dropDeps?.includes(d));
        return {
        ...c,
        ...(overlay?.estimateSeconds !== undefined ? { estimateSeconds: overlay.estimateSeconds } : {}),
        dependsOn: [...own, ...(o?.dependsOn ?? []).filter((d) => !own.includes(d))],
        healthTimeoutSeconds: o?.healthTimeoutSeconds ?? c.healthTimeoutSeconds,
        // No cascade by default for what holds data or ships CRDs: deleting the Application would delete the data,
        // or the CRDs and every object of those kinds (Helm charts' crds/, e.g. SealedSecret, NIMCache).
        finalizer: o?.finalizer ?? (c.holdsData || c.shipsCrds ? "none" : "foreground"),
        extra,
        source: {
            targetRevision: o?.targetRevision ?? revision,
            path: o?.path ?? c.path,
            ...(o?.helm ? { helmValues: o.helm.values } : {}),
            ...(patches.length > 0 ? { kustomizePatches: patches } : {}),
        },
        };
    };
    const candidates: { component: ClusterComponent; on: boolean; keyBase: string; configDeps: readonly string[] }[] = [];
    for (const catalogEntry of catalog) {
        const o = overrides[catalogEntry.name];
        // The controller runs where the fleet key Secret is, and never renews it: every cluster keeps the one fleet key.
        const c: CatalogComponent = catalogEntry.name === "sealed-secrets-controller"
            ? { ...catalogEntry, namespace: parsed.sealedSecrets?.namespace ?? "sealed-secrets" }
            // The registry pull-secret lives in Argo CD's own namespace, whichever it is.
            : catalogEntry.name === "argocd-config" ? { ...catalogEntry, namespace: argocdNamespace }
            : catalogEntry;
        // Helm values the program sets by default, nested under the dependency's name as the umbrella chart in
        // apps/<component>/Chart.yaml takes them. The user's own values win.
        // The NIM operator's admission webhook needs cert-manager for its TLS (k8s-nim-operator values.yaml
        // operator.admissionController); without cert-manager on this stack it is off.
        const defaults = c.name === "nim-operator" && !certManagerOn ? { "k8s-nim-operator": { operator: { admissionController: { enabled: false } } } }
            : c.name === "splunk-otel" && splunk ? splunkOtelValues(parsed.cluster ?? "", splunk)
            : c.name === "intersight-otel" ? intersightOtelValues(parsed.cluster ?? "", splunk)
            : undefined;
        const withDefaults = defaults ? { ...o, helm: { values: deepMerge(defaults, o?.helm?.values ?? {}) as Record<string, unknown> } } : o;
        const keyBase = keyPath(full("components"), [c.name]);
        // Argo CD renders one source one way (argo-cd: "multiple application sources" per kind are refused).
        if (o?.kustomize && c.content === "helm") {
            problems.push(`${keyBase}.kustomize: ${JSON.stringify(c.name)} is a Helm chart (${c.path}/Chart.yaml); set its values under ${keyBase}.helm.values instead`);
        }
        if (o?.helm && c.content !== "helm") {
            problems.push(`${keyBase}.helm: ${JSON.stringify(c.name)} is a ${c.content === "directory" ? "plain directory" : "Kustomize folder"} (${c.path}), not a Helm chart; use ${keyBase}.kustomize.patches instead`);
        }
        if (o?.enabled === true && c.gpuOnly && !gpu) {
            problems.push(`${keyBase}.enabled: true, but ${JSON.stringify(c.name)} needs GPUs and ${full("gpu")} is false; ` +
                "remove the override, or set gpu: true if the cluster has GPUs");
        }
        candidates.push({ component: resolve(c, withDefaults, false), on: o?.enabled ?? (!c.gpuOnly || gpu), keyBase, configDeps: o?.dependsOn ?? [] });
    }
    for (const [name, e] of Object.entries(extras)) {
        const keyBase = keyPath(full("extraComponents"), [name]);
        const base: CatalogComponent = {
            name, tier: e.tier, declaredWave: e.wave ?? 0, deploys: e.deploys ?? "", path: e.path,
            ...(e.namespace ? { namespace: e.namespace } : {}),
            dependsOn: [], gpuOnly: e.gpuOnly ?? e.tier === 3, ready: "Application Synced and Healthy",
            healthTimeoutSeconds: 600, estimateSeconds: e.estimateSeconds ?? 60, holdsData: e.holdsData ?? false,
            syncOptions: e.syncOptions ?? (e.namespace ? ["CreateNamespace=true"] : []),
            writes: [], shipsCrds: false,
            content: e.content ?? (e.helm ? "helm" : "kustomize"),
        };
        if (e.helm && e.kustomize) {
            problems.push(`${keyBase}: both helm and kustomize; Argo CD renders a source one way, keep the one its path is`);
        } else if (e.content === "helm" && e.kustomize) {
            problems.push(`${keyBase}.kustomize: content is helm; set its values under ${keyBase}.helm.values instead`);
        }
        // Like the catalog's Tier 3: off by default without GPUs, an error only when turned on there.
        if (base.gpuOnly && !gpu && e.enabled === true) {
            problems.push(`${keyBase}.enabled: true, but ${JSON.stringify(name)} needs GPUs and ${full("gpu")} is false; ` +
                "remove enabled, or set gpuOnly: false if it runs without GPUs");
        }
        const c = resolve(base, e, true);
        // An extra component without a declared wave gets none, so the wave check does not flag it.
        const component = e.wave === undefined ? { ...c, declaredWave: Number.NaN } : c;
        candidates.push({ component, on: e.enabled ?? (!base.gpuOnly || gpu), keyBase, configDeps: e.dependsOn ?? [] });
    }

    const enabled = candidates.filter((c) => c.on);
    const enabledNames = new Set(enabled.map((c) => c.component.name));
    const allNames = candidates.map((c) => c.component.name);
    for (const u of unknownDependencies(enabled.map((c) => c.component))) {
        const from = enabled.find((c) => c.component.name === u.component)!;
        const index = from.configDeps.indexOf(u.dependency);
        const key = index >= 0 ? `${from.keyBase}.dependsOn[${index}]` : `${from.keyBase}.enabled`;
        if (allNames.includes(u.dependency)) {
            const off = candidates.find((c) => c.component.name === u.dependency)!;
            const why = off.component.gpuOnly && !gpu ? ` (it needs GPUs and ${full("gpu")} is false)` : "";
            // Everything still on that depends on this component, directly or through others: all of it goes with it,
            // named at once rather than one level per run.
            const dependents = transitiveDependents(enabled.map((c) => c.component), u.component);
            const also = dependents.length > 0 ? `, with what depends on it: ${dependents.map((d) => JSON.stringify(d)).join(", ")}` : "";
            problems.push(`${key}: ${JSON.stringify(u.component)} depends on ${JSON.stringify(u.dependency)}, which is off on this cluster${why}; ` +
                `turn ${JSON.stringify(u.dependency)} on (${off.keyBase}.enabled: true), or turn ${JSON.stringify(u.component)} off (${from.keyBase}.enabled: false)${also}`);
        } else {
            const near = closestName(u.dependency, allNames);
            problems.push(`${key}: ${JSON.stringify(u.dependency)} is not a component; ` +
                (near ? `did you mean ${JSON.stringify(near)}?` : `known components are listed by npm run plan`));
        }
    }
    // Tiers deploy in order, so a component may depend only on its own tier or an earlier one.
    const tierOf = new Map(enabled.map((c) => [c.component.name, c.component.tier]));
    for (const from of enabled) {
        from.component.dependsOn.forEach((d) => {
            const t = tierOf.get(d);
            if (t === undefined || t <= from.component.tier) return;
            // The catalog's own edges respect the tiers (test/catalog.test.ts), so this one is from config.
            problems.push(`${from.keyBase}.dependsOn[${from.configDeps.indexOf(d)}]: ${JSON.stringify(from.component.name)} (tier ${from.component.tier}) depends on ${JSON.stringify(d)} (tier ${t}); ` +
                `a component may depend only on its own or an earlier tier: move it to tier ${t} or later, or drop the dependency`);
        });
    }
    for (const cycle of findCycles(enabled.map((c) => c.component))) {
        // Name the config entry that closes the cycle: catalog edges are acyclic, so one comes from config.
        let key = `${full("components")}`;
        for (let i = 0; i + 1 < cycle.length; i++) {
            const from = enabled.find((c) => c.component.name === cycle[i])!;
            const index = from.configDeps.indexOf(cycle[i + 1]);
            if (index >= 0) {
                key = `${from.keyBase}.dependsOn[${index}]`;
                break;
            }
        }
        problems.push(`${key}: dependency cycle ${cycle.join(" -> ")}; remove one of these dependencies`);
    }

    const components = enabled.map((c) => c.component);
    // The catalog names Argo CD's namespace "openshift-gitops": the registry pull-secret goes to the stack's.
    const secrets = platformSecrets.filter((s) => s.neededBy.some((n) => enabledNames.has(n)))
        .map((s) => (s.namespace === "openshift-gitops" ? { ...s, namespace: argocdNamespace } : s));
    const argocd = parsed.argocd ?? {};
    const flavor = argocd.flavor ?? "openshift-gitops";
    const access = gitops.access ?? "public";
    const sealed = parsed.sealedSecrets ?? {};
    const delivery = parsed.secretDelivery ?? {};
    const certManager = parsed.certManager ?? {};
    const kubernetes = parsed.kubernetes ?? {};

    checkRepository(gitops, access, ours, problems);
    // (A context given but invalid is reported by its own check.)
    const rawKubernetes = written.get("kubernetes") as { context?: unknown } | undefined;
    if (!kubernetes.context && !ours.has("kubeconfig") && rawKubernetes?.context === undefined) {
        problems.push(`${full("kubernetes")}.context: no cluster access configured; set the kubeconfig context of this cluster, ` +
            "or run: pulumi config set --secret kubeconfig \"$(cat kubeconfig)\"");
    }
    if (delivery.commitSealed && delivery.directSecrets) {
        // Pulumi's Secret and the controller's would be one object: the controller refuses to overwrite a Secret it does
        // not own (the SealedSecret stays unsynced, Degraded), or Pulumi's create meets AlreadyExists.
        problems.push(`${full("secretDelivery")}: commitSealed and directSecrets both deliver every secret, as a SealedSecret and as Pulumi's own Secret of the same name, ` +
            "which would fight over it; keep one");
    }
    if ((delivery.commitSealed || delivery.githubEnvironment) && !gitops.github) {
        problems.push(`${full("secretDelivery")}: commitSealed and githubEnvironment write to GitHub; set ${full("gitops")}.github.owner and .repository`);
    }
    if ((delivery.commitSealed || delivery.githubEnvironment) && !ours.has("githubToken")) {
        problems.push(`${full("githubToken")}: commitSealed and githubEnvironment write to GitHub; run: pulumi config set --secret githubToken <token>`);
    }
    const keySource = sealed.keySource ?? "stack";
    const mirror = parsed.mirror;
    // Judged on what was written: an empty registry is reported by its own check, not as missing.
    const rawMirror = written.get("mirror") as { registry?: unknown; gitopsCatalogImage?: unknown } | undefined;
    if (mirror && rawMirror && (rawMirror.registry !== undefined || rawMirror.gitopsCatalogImage !== undefined) && (rawMirror.registry === undefined) !== (rawMirror.gitopsCatalogImage === undefined)) {
        const missing = rawMirror.registry === undefined ? "registry" : "gitopsCatalogImage";
        problems.push(`${full("mirror")}.${missing}: is required with the other mirror setting; set both registry and gitopsCatalogImage, or neither`);
    }
    if (keySource === "config") {
        for (const key of ["sealingKey", "sealingCert"]) {
            if (!ours.has(key)) {
                problems.push(`${full(key)}: is not set, but sealedSecrets.keySource is "config"; run: pulumi config set --secret ${key} "$(cat <pem file>)", ` +
                    `or use keySource: stack with the fleet stack`);
            }
        }
        const standIn = (k: string) => raw.standIns?.has(full(k)) ?? false;
        if (ours.has("sealingKey") && ours.has("sealingCert") && !standIn("sealingKey") && !standIn("sealingCert")) {
            const problem = checkKeyPair(String(ours.get("sealingKey")), String(ours.get("sealingCert")), now);
            if (problem) problems.push(`${full("sealingCert")}: ${problem}`);
        }
    }
    if (delivery.commitSealed || delivery.githubEnvironment || delivery.directSecrets) {
        // One line per config key: a key that gives two Secrets (id) is named by its first.
        for (const s of platformSecrets.filter((x) => !x.id)) {
            const users = s.neededBy.filter((n) => enabledNames.has(n));
            if (users.length > 0 && !ours.has(s.key)) {
                problems.push(`${full(s.key)}: is not set, but ${users.map((u) => JSON.stringify(u)).join(" and ")} need${users.length > 1 ? "" : "s"} it; ` +
                    `run: pulumi config set --secret ${s.key} <value>, or turn ${JSON.stringify(users[0])} off`);
            }
        }
    }
    sealed.rotation?.forEach((g, i, rotation) => {
        if (rotation.indexOf(g) !== i) problems.push(`${full("sealedSecrets")}.rotation[${i}]: ${JSON.stringify(g)} is named twice; each generation is one key, list it once`);
    });
    if (certManager.acmeServer !== undefined && !certManager.acmeServer.startsWith("https://")) {
        problems.push(`${full("certManager")}.acmeServer: ${JSON.stringify(certManager.acmeServer)} is not an https URL; cert-manager talks to an ACME directory over https`);
    }
    const patchSets: [string, readonly { patch?: string; path?: string }[] | undefined][] = [
        ...Object.entries(overrides).map(([name, o]): [string, readonly { patch?: string; path?: string }[] | undefined] => [keyPath(full("components"), [name]), o.kustomize?.patches]),
        ...Object.entries(extras).map(([name, e]): [string, readonly { patch?: string; path?: string }[] | undefined] => [keyPath(full("extraComponents"), [name]), e.kustomize?.patches]),
    ];
    for (const [base, patches] of patchSets) {
        (patches ?? []).forEach((p, i) => {
            for (const problem of patchProblems(p)) {
                problems.push(`${base}.kustomize.patches[${i}]${problem.startsWith(".") ? problem : `: ${problem}`}`);
            }
        });
    }
    // The stack file's name is the stack's, and the stack is one cluster: a file holding another cluster's name
    // (or its kubeconfig context) would touch that cluster.
    if (raw.stack !== undefined && parsed.cluster !== undefined && parsed.cluster !== raw.stack) {
        problems.push(`${full("cluster")}: ${JSON.stringify(parsed.cluster)} in the stack ${JSON.stringify(raw.stack)}: this stack would touch cluster ${parsed.cluster}; ` +
            `set cluster: ${raw.stack}, or name the stack (and its file) ${parsed.cluster}`);
    }
    const context = kubernetes.context;
    if (raw.stack !== undefined && context !== undefined && context !== raw.stack && raw.otherStacks?.includes(context)) {
        problems.push(`${full("kubernetes")}.context: ${JSON.stringify(context)} is the context of the stack ${JSON.stringify(context)}: this stack would touch that cluster; set the context of ${raw.stack}`);
    }
    if (argocd.approval === "Manual" && flavor === "openshift-gitops") {
        problems.push(`${full("argocd")}.approval: "Manual" can never pass the unattended gate on the operator's Subscription ` +
            "(its InstallPlan waits for someone to approve it while pulumi up waits for the install); use Automatic, " +
            "or install the operator yourself and use flavor: existing");
    }
    if ((parsed.adoptExisting ?? false) && flavor !== "existing") {
        problems.push(`${full("adoptExisting")}: true needs ${full("argocd")}.flavor: existing (a cluster the seed built already runs Argo CD; ` +
            `installing another would race it); set argocd.flavor: existing, or adoptExisting: false`);
    }
    if (keySource === "stack" && sealed.fleetStack !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(sealed.fleetStack)) {
        problems.push(`${full("sealedSecrets")}.fleetStack: ${JSON.stringify(sealed.fleetStack)} is not <organization>/<project>/<stack>; ` +
            `on the local backend (pulumi login --local) it is ${defaultFleetStack}`);
    }
    // Each is named in the Application's gate (lib/gates.ts), which cannot carry "=" or white space.
    const gated: [string, string | undefined][] = [
        // (A repoUrl with white space is already not a repository URL: one line is enough.)
        [`${full("gitops")}.repoUrl`, gitops.repoUrl && !/\s/.test(gitops.repoUrl) ? gitops.repoUrl : undefined],
        [`${full("gitops")}.revision`, gitops.revision],
        [`${full("gitops")}.clusterAppsPath`, gitops.clusterAppsPath],
        ...Object.entries(overrides).flatMap(([name, o]): [string, string | undefined][] => [
            [`${keyPath(full("components"), [name])}.targetRevision`, o.targetRevision], [`${keyPath(full("components"), [name])}.path`, o.path]]),
        ...Object.entries(extras).flatMap(([name, e]): [string, string | undefined][] => [
            [`${keyPath(full("extraComponents"), [name])}.targetRevision`, e.targetRevision], [`${keyPath(full("extraComponents"), [name])}.path`, e.path]]),
    ];
    for (const [key, value] of gated) {
        const problem = value === undefined ? undefined : gateValueProblem(value);
        if (problem) problems.push(`${key}: ${JSON.stringify(value)} ${problem}`);
    }
    if (enabledNames.has("nim-cache")) {
        const key = `${full("serving")}`;
        const rawServing = written.get("serving") as { profiles?: unknown; gpuProduct?: unknown } | undefined;
        // (A profile list or GPU product that failed its own check is reported there.)
        if (rawServing?.profiles === undefined && rawServing?.gpuProduct === undefined) {
            problems.push(`${key}.profiles: nim-cache downloads the model before the GPU driver runs, when no node has its GPU label yet, ` +
                "so the NIM operator would select every profile of the model and download them all; pin serving.profiles " +
                "(the IDs list-model-profiles shows), or set serving.gpuProduct (e.g. h100) with engine and tensorParallelism");
        }
        if (serving.profiles && (sv.gpuProduct || sv.engine || sv.tensorParallelism || sv.precision)) {
            problems.push(`${key}.profiles: pinned profiles exclude gpuProduct, engine, tensorParallelism and precision (the NIM operator's webhook refuses both); keep one way of selecting`);
        }
        if (serving.storageClass === lvmsStorageClass && !enabledNames.has("lvms-operator")) {
            problems.push(`${key}.storageClass: "${lvmsStorageClass}" is made by lvms-operator, which is off on this cluster; turn lvms-operator on, or name a StorageClass the cluster has and set serving.storageClassExists: true`);
        } else if (serving.storageClass !== lvmsStorageClass && !serving.storageClassExists) {
            problems.push(`${key}.storageClass: no component provides ${JSON.stringify(serving.storageClass)} (lvms-operator provides "${lvmsStorageClass}"); ` +
                "use that, or set serving.storageClassExists: true if the cluster already has this StorageClass");
        }
        const model = serving.image.split("/").pop()!;
        const published = knownModelSizesGiB[model];
        const size = quantityGiB(serving.cacheSize);
        if (published !== undefined && size !== undefined && size < published) {
            problems.push(`${key}.cacheSize: ${serving.cacheSize} is below the published size of one ${model} profile (${published} GB); give it at least ${Math.ceil(published * 1.25)}Gi`);
        }
    }
    const splunkUsers = ["splunk-otel", "splunk-reporter", "intersight-otel"].filter((n) => enabledNames.has(n));
    if (splunkUsers.length > 0 && !parsed.splunk?.endpoint && (written.get("splunk") as { endpoint?: unknown } | undefined)?.endpoint === undefined) {
        problems.push(`${full("splunk")}.endpoint: is required while ${splunkUsers.map((u) => JSON.stringify(u)).join(", ")} ${splunkUsers.length > 1 ? "are" : "is"} on; ` +
            "set the site's HEC URL, e.g. https://hec.splunk.example.internal:8088/services/collector, or turn them off");
    }
    if (parsed.lvms?.nodeSelector && Object.keys(parsed.lvms.nodeSelector).length === 0) {
        problems.push(`${full("lvms")}.nodeSelector: is empty; name the label of the storage nodes (e.g. node-role.kubernetes.io/worker: ""), or leave it out for every node`);
    }
    if (certManager.issuer === "acme" && !certManager.acmeEmail) {
        problems.push(`${full("certManager")}.acmeEmail: is required for the acme issuer; set the ACME account e-mail`);
    }

    if (problems.length > 0) throw new ConfigProblems(problems);
    // Required: a cluster not set, or not valid, is a problem above.
    const cluster = parsed.cluster!;

    return deepFreeze({
        cluster,
        gpu,
        kubernetes: { ...(kubernetes.context ? { context: kubernetes.context } : {}), kubeconfigFromSecret: ours.has("kubeconfig") },
        gitops: {
            repoUrl: gitops.repoUrl,
            revision,
            clusterAppsPath: gitops.clusterAppsPath ?? `clusters/${cluster}`,
            access,
            ...(gitops.github ? { github: gitops.github } : {}),
        },
        argocd: {
            flavor,
            namespace: argocdNamespace,
            // A versioned channel by default: `latest` follows every GitOps release (Red Hat OpenShift GitOps docs,
            // "Installing": "use the corresponding gitops-<version> channel"), which the policy pack refuses.
            channel: argocd.channel ?? "gitops-1.18",
            approval: argocd.approval ?? "Automatic",
            catalogSource: argocd.catalogSource ?? "redhat-operators",
            chartVersion: argocd.chartVersion ?? "9.1.0",
            chartRepository: argocd.chartRepository ?? "https://argoproj.github.io/argo-helm",
        },
        ...(mirror?.registry && mirror.gitopsCatalogImage ? { mirror: { registry: mirror.registry, gitopsCatalogImage: mirror.gitopsCatalogImage } } : {}),
        // Argo CD names an OCI Helm repository without its scheme (argo-cd docs user-guide/helm.md, "Helm OCI").
        ...(mirror?.chartRepository ? { chartMirror: { repoURL: mirror.chartRepository.replace(/^oci:\/\//, ""), oci: mirror.chartRepository.startsWith("oci://") } } : {}),
        sealedSecrets: {
            namespace: sealed.namespace ?? "sealed-secrets",
            keySource,
            fleetStack: sealed.fleetStack ?? defaultFleetStack,
            rotation: sealed.rotation ?? ["fleet-key"],
        },
        rootApp: { name: "saif-apps", prune: parsed.rootApp?.prune ?? true, selfHeal: parsed.rootApp?.selfHeal ?? true, finalizer: parsed.rootApp?.finalizer ?? "none" },
        adoptExisting: parsed.adoptExisting ?? false,
        secretDelivery: {
            commitSealed: delivery.commitSealed ?? false,
            branch: delivery.branch ?? revision,
            githubEnvironment: delivery.githubEnvironment ?? false,
            directSecrets: delivery.directSecrets ?? false,
        },
        certManager: {
            enabled: certManager.enabled ?? false,
            install: certManager.install ?? true,
            issuer: certManager.issuer ?? "selfSigned",
            ...(certManager.acmeEmail ? { acmeEmail: certManager.acmeEmail } : {}),
            ...(certManager.domain ? { domain: certManager.domain } : {}),
            acmeServer: certManager.acmeServer ?? "https://acme-v02.api.letsencrypt.org/directory",
            chartVersion: certManager.chartVersion ?? "v1.19.4",
            chartRepository: certManager.chartRepository ?? "https://charts.jetstack.io",
        },
        serving,
        gpuDriver,
        openshift: { version: release.version },
        ...(splunk ? { splunk } : {}),
        lvms,
        components,
        disabled: candidates.filter((c) => !c.on && !c.component.extra).map((c) => ({
            name: c.component.name,
            why: overrides[c.component.name]?.enabled === false ? `${full("components")}.${c.component.name}.enabled is false` : "needs GPUs; gpu is false",
        })),
        secrets,
    });
}
