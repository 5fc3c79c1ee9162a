import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlan } from "../cli/plan";
import type { Recording, Registration } from "../cli/mockrun";
import { checkPolicies, policyStage } from "../cli/policy";
import { applicationType, exactVersion, platformPolicies, plainCredentials, ringProblems, secretType, subscriptionType, versionedChannel } from "../policy/policies";
import { policySummary, runPolicies, violationLine } from "../policy/run";
import { gateAnnotation } from "../lib/application";
import { fingerprintIgnoreRule } from "../lib/gates";
import { fixtureStack, problemLines, root } from "./helpers";

/** The engine's marker of a value not known at preview (sdk/nodejs/runtime/rpc.ts `unknownValue`). */
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const secretSig = "4dabf18193072939515e22adb298388d";

type Edit = (regs: Registration[]) => void;
const byName = (regs: Registration[], type: string, name: string): Registration => {
    const r = regs.find((x) => x.type === type && x.name === name);
    assert.ok(r, `no ${type} ${name}`);
    return r;
};
// Registrations are plain JSON edited in place: typed loosely on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inputs = (r: Registration) => r.inputs as any;
/** After editing an Application's source, give it the gate the program would (so only the invariant under test breaks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const regate = (app: any) => {
    app.metadata.annotations["pulumi.com/waitFor"] = gateAnnotation(app.spec.source);
    app.spec.ignoreDifferences[0] = fingerprintIgnoreRule(app.spec.source);
};

describe("policy pack: the invariants on what the program registers", function () {
    this.timeout(60_000);
    let recording: Recording;
    before(async () => {
        recording = (await buildPlan(root, "ai-pod-1", fixtureStack("ai-pod-1"))).recording;
    });
    const edited = (edit: Edit): Pick<Recording, "registrations"> => {
        const regs = structuredClone(recording.registrations);
        edit(regs);
        return { registrations: regs };
    };
    const failures = (edit: Edit) => checkPolicies(root, edited(edit)).failures;

    it("the shipped program keeps every invariant: 8 policies, all passed, nothing advisory", () => {
        const { report, failures: f } = checkPolicies(root, recording);
        assert.deepEqual(f, []);
        assert.equal(report.policies, 8);
        assert.deepEqual(report.violations, []);
        assert.equal(policyStage(root, recording), `Policies (policy/, @pulumi/policy): 8 of 8 passed on ${report.resources} resources`);
    });

    // Each case breaks one invariant in a copy of the program's output and expects the plan's line for it.
    const cases: { policy: string; edit: Edit; line: RegExp }[] = [
        {
            policy: "application-health-gate",
            edit: (regs) => { delete inputs(byName(regs, applicationType, "gpu-operator")).metadata.annotations["pulumi.com/waitFor"]; },
            line: /^policy application-health-gate: urn:pulumi:ai-pod-1::saif-platform::saif:tiers:Tier\$kubernetes:argoproj\.io\/v1alpha1:Application::gpu-operator: has no pulumi\.com\/waitFor gate; fix: render the Application/,
        },
        {
            policy: "application-health-gate",
            // A gate that waits for Healthy but not for this revision: the stale-verdict bug (argo-cd#29410).
            edit: (regs) => {
                const a = inputs(byName(regs, applicationType, "nim-llm"));
                a.metadata.annotations["pulumi.com/waitFor"] = JSON.stringify(["jsonpath={.status.sync.status}=Synced", "jsonpath={.status.health.status}=Healthy"]);
            },
            line: /application-health-gate: .*::nim-llm: gate lacks jsonpath=\{\.status\.sync\.comparedTo\.source\.repoURL\}/,
        },
        {
            policy: "application-health-gate",
            edit: (regs) => { inputs(byName(regs, applicationType, "nim-llm")).spec.source.targetRevision = "v2"; },
            line: /application-health-gate: .*::nim-llm: gate lacks jsonpath=\{\.status\.sync\.comparedTo\.source\.targetRevision\}=v2/,
        },
        {
            policy: "application-health-gate",
            edit: (regs) => { inputs(byName(regs, applicationType, "tetragon")).metadata.annotations["pulumi.com/skipAwait"] = "true"; },
            line: /application-health-gate: .*::tetragon: has pulumi\.com\/skipAwait: true/,
        },
        {
            policy: "application-project",
            edit: (regs) => { inputs(byName(regs, applicationType, "splunk-otel")).spec.project = "default"; },
            line: /^policy application-project: .*::splunk-otel: spec\.project is "default", not saif-platform; fix: set spec\.project to saif-platform/,
        },
        {
            policy: "tier-order",
            // nfd-operator (tier 3) made to wait for splunk-otel (tier 4).
            edit: (regs) => {
                const later = byName(regs, applicationType, "splunk-otel").urn;
                byName(regs, applicationType, "nfd-operator").dependencies.push(later);
            },
            line: /^policy tier-order: .*::nfd-operator: tier 3 depends on splunk-otel of tier 4, a later tier; fix:/,
        },
        {
            policy: "sealing-key-kept",
            edit: (regs) => { regs.find((r) => r.type === secretType && inputs(r).metadata.labels?.["sealedsecrets.bitnami.com/sealed-secrets-key"])!.protect = false; },
            line: /^policy sealing-key-kept: .*Secret::sealed-secrets-key-fleet-key: the sealing key Secret is not protected; fix:/,
        },
        {
            policy: "sealing-key-kept",
            edit: (regs) => { regs.find((r) => r.type === secretType && inputs(r).metadata.labels?.["sealedsecrets.bitnami.com/sealed-secrets-key"])!.retainOnDelete = false; },
            line: /^policy sealing-key-kept: .*: the sealing key Secret is not retained on delete; fix:/,
        },
        {
            policy: "no-plaintext-secrets",
            edit: (regs) => { regs.find((r) => r.type === secretType)!.additionalSecretOutputs = []; },
            line: /^policy no-plaintext-secrets: .*: the Secret's data and stringData are not additionalSecretOutputs/,
        },
        {
            policy: "no-plaintext-secrets",
            edit: (regs) => {
                const a = inputs(byName(regs, applicationType, "splunk-otel"));
                a.spec.source.helm = { valuesObject: { splunkPlatform: { token: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" } } };
                regate(a);
            },
            line: /^policy no-plaintext-secrets: .*::splunk-otel: plain-text credential at spec\.source\.helm\.valuesObject\.splunkPlatform\.token: a value under "token"/,
        },
        {
            policy: "pinned-operators-and-charts",
            edit: (regs) => { inputs(regs.find((r) => r.type === subscriptionType)!).spec.channel = "latest"; },
            line: /^policy pinned-operators-and-charts: .*Subscription::argocd-subscription: channel latest follows every release of the operator; fix:/,
        },
        {
            policy: "pinned-operators-and-charts",
            edit: (regs) => {
                const a = inputs(byName(regs, applicationType, "gpu-operator"));
                a.spec.source = { repoURL: "https://helm.ngc.nvidia.com/nvidia", chart: "gpu-operator", targetRevision: "25.x" };
                regate(a);
            },
            line: /pinned-operators-and-charts: .*::gpu-operator: chart gpu-operator at "25\.x" is not an exact version/,
        },
        {
            policy: "no-replace-or-crd-prune",
            edit: (regs) => { inputs(byName(regs, applicationType, "gpu-operator")).spec.syncPolicy.syncOptions.push("Replace=true"); },
            line: /^policy no-replace-or-crd-prune: .*::gpu-operator: syncs with Replace=true; fix:/,
        },
        {
            policy: "no-replace-or-crd-prune",
            // clickhouse-operator's chart ships CRDs (catalog shipsCrds), so it has no finalizer by default.
            edit: (regs) => { inputs(byName(regs, applicationType, "clickhouse-operator")).metadata.finalizers = ["resources-finalizer.argocd.argoproj.io"]; },
            line: /no-replace-or-crd-prune: .*::clickhouse-operator: clickhouse-operator ships CRDs and has the cascade finalizer resources-finalizer\.argocd\.argoproj\.io/,
        },
    ];
    for (const c of cases) {
        it(`${c.policy}: a copy broken by hand fails the plan with its line (${c.line.source.slice(0, 60)}...)`, () => {
            const f = failures(c.edit);
            assert.equal(f.length, 1, f.join("\n"));
            assert.match(f[0], c.line);
            const lines = problemLines(() => policyStage(root, edited(c.edit)));
            assert.match(lines[0], c.line);
            assert.match(lines.at(-1)!, /^Policies \(policy\/, @pulumi\/policy\): 7 of 8 passed on \d+ resources, 1 failed with 1 mandatory violation$/);
        });
    }

    it("an unknown value at preview fails a mandatory policy (CrossGuard would downgrade it to advisory)", () => {
        const edit: Edit = (regs) => {
            // The revision a sealed commit pins to is not known until pulumi up writes the commit.
            const a = inputs(byName(regs, applicationType, "sealed-secrets-gpu"));
            a.spec.source.targetRevision = unknown;
        };
        const f = failures(edit);
        assert.ok(f.some((l) => /^policy application-health-gate: .*::sealed-secrets-gpu: string value at \.spec\.source\.targetRevision can't be known during preview, so this invariant cannot be checked/.test(l)), f.join("\n"));
        // With failOnUnknown: false the engine's behaviour comes back: an advisory, not a failure.
        const regs = edited(edit).registrations;
        const relaxed = runPolicies(platformPolicies({ rings: [], stackFiles: [] }), regs,
            Object.fromEntries(["application-health-gate", "application-project", "no-plaintext-secrets", "pinned-operators-and-charts", "no-replace-or-crd-prune"].map((p) => [p, { failOnUnknown: false }])));
        const onApp = relaxed.violations.filter((v) => v.urn.endsWith("::sealed-secrets-gpu"));
        assert.ok(onApp.length > 0 && onApp.every((v) => v.level === "advisory"), JSON.stringify(onApp));
    });

    it("reads secrets as the policy server does: unwrapped, so a secret input never counts as plain text", () => {
        const edit: Edit = (regs) => {
            const a = inputs(byName(regs, applicationType, "splunk-otel"));
            a.spec.source.helm = { valuesObject: { splunkPlatform: { token: { [secretSig]: "1b47061264138c4ac30d75fd1eb44270", value: "x" } } } };
            a.metadata.annotations["pulumi.com/waitFor"] = gateAnnotation({ ...a.spec.source, helm: { valuesObject: { splunkPlatform: { token: "x" } } } });
            a.spec.ignoreDifferences[0] = fingerprintIgnoreRule({ ...a.spec.source, helm: { valuesObject: { splunkPlatform: { token: "x" } } } });
        };
        // An unwrapped secret is a plain string to the policy; this is why the Secret check asks for additionalSecretOutputs.
        const f = failures(edit);
        assert.equal(f.length, 1, f.join("\n"));
        assert.match(f[0], /no-plaintext-secrets: .*::splunk-otel: plain-text credential at spec\.source\.helm\.valuesObject\.splunkPlatform\.token/);
    });
});

describe("policy pack: the checks as plain functions", () => {
    it("plainCredentials: values under credential keys, PEM keys, NGC keys; references and empty values are not", () => {
        assert.deepEqual(plainCredentials({ a: { password: "hunter2", passwordSecretName: "db", existingSecret: "s", token: "" } }, ""), ["a.password: a value under \"password\""]);
        assert.deepEqual(plainCredentials({ tls: "-----BEGIN RSA PRIVATE KEY-----\nMII..." }, ""), ["tls: a PEM private key"]);
        assert.deepEqual(plainCredentials({ values: "ngc:\n  key: nvapi-abcdefghijklmnopqrstuvwxyz012345\n" }, ""), ["values(yaml).ngc.key: a value shaped like an NGC key or a HEC token"]);
        assert.deepEqual(plainCredentials({ parameters: [{ name: "auth.adminPassword", value: "x" }, { name: "image.tag", value: "1" }] }, ""), ["parameters[0].value: a value under \"adminPassword\""]);
        assert.deepEqual(plainCredentials({ metadata: { uid: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" }, spec: { clusterId: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab", tokenSecretRef: { name: "t" } } }, ""), []);
        assert.deepEqual(plainCredentials({ env: [{ name: "HEC", value: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" }] }, ""), ["env[0].value: a value shaped like an NGC key or a HEC token"]);
    });
    it("ringProblems: complete and disjoint, one line each", () => {
        const stackFiles = ["a", "b", "c"];
        assert.deepEqual(ringProblems({ rings: [{ name: "r1", stacks: ["a"] }, { name: "r2", stacks: ["b", "c"] }], stackFiles }), []);
        assert.deepEqual(ringProblems({ rings: [{ name: "r1", stacks: ["a", "b"] }, { name: "r2", stacks: ["b"] }], stackFiles }), [
            "stack b is in rings r1 and r2; put it in exactly one",
            "stack c (Pulumi.c.yaml) is in no ring of fleet/rings.yaml; add it to one",
        ]);
        assert.deepEqual(ringProblems({ rings: { error: "fleet/rings.yaml: missing; the rings are read from it" }, stackFiles }), ["fleet/rings.yaml: missing; the rings are read from it"]);
    });
});

describe("policy pack: ring membership as a stack policy", function () {
    this.timeout(60_000);
    it("a fleet file that leaves a stack out, or puts one in two rings, fails the plan of any stack", async () => {
        const recording = (await buildPlan(root, "ai-pod-3", fixtureStack("ai-pod-3"))).recording;
        const dir = mkdtempSync(path.join(os.tmpdir(), "rings-"));
        for (const s of ["ai-pod-1", "ai-pod-2", "ai-pod-3", "ai-pod-4"]) writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), "config: {}\n");
        mkdirSync(path.join(dir, "fleet"));
        writeFileSync(path.join(dir, "fleet", "rings.yaml"), "rings:\n  - name: canary\n    stacks: [ai-pod-3]\n  - name: gpu\n    stacks: [ai-pod-1, ai-pod-2, ai-pod-3]\n");
        const lines = problemLines(() => policyStage(dir, recording));
        assert.deepEqual(lines.slice(0, -1), [
            "policy ring-membership: urn:pulumi:ai-pod-3::saif-platform::pulumi:pulumi:Stack::saif-platform-ai-pod-3: stack ai-pod-3 is in rings canary and gpu; put it in exactly one; fix: edit fleet/rings.yaml so that every Pulumi.<stack>.yaml is in exactly one ring, then npm run fleet -- workflow",
            "policy ring-membership: urn:pulumi:ai-pod-3::saif-platform::pulumi:pulumi:Stack::saif-platform-ai-pod-3: stack ai-pod-4 (Pulumi.ai-pod-4.yaml) is in no ring of fleet/rings.yaml; add it to one; fix: edit fleet/rings.yaml so that every Pulumi.<stack>.yaml is in exactly one ring, then npm run fleet -- workflow",
        ]);
        // The repository's own fleet file keeps it.
        assert.deepEqual(checkPolicies(root, recording).failures, []);
    });
});

describe("policy pack: each check on hand-made resources, both ways", () => {
    const policies = platformPolicies({ rings: [{ name: "r", stacks: ["s"] }], stackFiles: ["s"] });
    const reg = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<Registration> = {}): Registration => ({
        urn: `urn:pulumi:s::saif-platform::saif:tiers:Tier$${type}::${name}`, kind: "register", type, name, custom: true, parent: "", provider: "",
        dependencies: [], protect: false, retainOnDelete: false, additionalSecretOutputs: [], ignoreChanges: [], importId: "",
        customTimeouts: { create: "", update: "", delete: "" }, inputs, ...extra,
    });
    const lines = (...regs: Registration[]) => runPolicies(policies, regs).violations.map((v) => `${v.policy} ${v.level} ${v.urn.split("::").pop()}: ${v.message}`);
    const source = { repoURL: "https://example.com/r.git", targetRevision: "main", path: "apps/x" };
    const gated = (src: Record<string, unknown>, healthy = true, extra: Record<string, unknown> = {}) => ({
        metadata: { name: "x", labels: { "saif.io/component": "x", "saif.io/tier": "2" }, annotations: { "pulumi.com/waitFor": gateAnnotation(src as never, { healthy }) } },
        spec: { project: "saif-platform", source: src, ignoreDifferences: [fingerprintIgnoreRule(src as never)], ...extra },
    });

    it("application gate: kept as rendered; spec.sources, no source, a gate that is not JSON, each part of the fingerprint rule", () => {
        assert.deepEqual(lines(reg(applicationType, "x", gated(source))), []);
        assert.deepEqual(lines(reg(applicationType, "x", { ...gated(source), spec: { ...gated(source).spec, sources: [source] } })), ["application-health-gate mandatory x: has spec.sources; a gate names one source (spec.source)"]);
        for (const missing of ["repoURL", "targetRevision"]) {
            const src: Record<string, string> = { ...source };
            delete src[missing];
            assert.deepEqual(lines(reg(applicationType, "x", { ...gated(source), spec: { project: "saif-platform", source: src } })), ["application-health-gate mandatory x: has no spec.source with repoURL and targetRevision"], missing);
        }
        const notJson = gated(source);
        notJson.metadata.annotations["pulumi.com/waitFor"] = "jsonpath={.status.health.status}=Healthy";
        assert.match(lines(reg(applicationType, "x", notJson))[0], /gate lacks jsonpath=\{\.status\.sync\.comparedTo\.source\.repoURL\}/);
        for (const field of ["group", "kind", "name"]) {
            const app = gated(source);
            app.spec.ignoreDifferences = [{ ...fingerprintIgnoreRule(source), [field]: "other" }];
            assert.match(lines(reg(applicationType, "x", app))[0] ?? "", /spec\.ignoreDifferences\[0\] is not the source's fingerprint rule/, field);
        }
        // A chart source is named by its chart; extra source fields (helm, kustomize, directory) change the fingerprint.
        const chart = { repoURL: "https://charts.example.com", targetRevision: "1.2.3", chart: "c", helm: { valuesObject: { a: 1 } } };
        assert.deepEqual(lines(reg(applicationType, "x", gated(chart))), []);
        const stale = gated(chart);
        stale.spec.source = { ...chart, helm: { valuesObject: { a: 2 } } };
        assert.equal(lines(reg(applicationType, "x", stale)).length, 1);
    });
    it("the root Application: its own project and a gate without Healthy; a catalog one with that gate fails", () => {
        const rootUrn = "urn:pulumi:s::saif-platform::saif:bootstrap:RootApp$kubernetes:argoproj.io/v1alpha1:Application::saif-apps";
        const rootApp = gated(source, false);
        rootApp.spec.project = "saif-root";
        assert.deepEqual(lines(reg(applicationType, "saif-apps", rootApp, { urn: rootUrn })), []);
        assert.deepEqual(lines(reg(applicationType, "saif-apps", { ...rootApp, spec: { ...rootApp.spec, project: "saif-platform" } }, { urn: rootUrn })),
            ["application-project mandatory saif-apps: spec.project is \"saif-platform\", not saif-root"]);
        // A catalog Application named like a RootApp's child but not under it needs Healthy.
        assert.match(lines(reg(applicationType, "x", { ...rootApp, spec: { ...rootApp.spec, project: "saif-platform" } }))[0], /gate lacks jsonpath=\{\.status\.health\.status\}=Healthy/);
        // A RootApp's own URN (the component, not its child) is not the root Application.
        assert.deepEqual(lines(reg(applicationType, "x", gated(source), { urn: "urn:pulumi:s::saif-platform::saif:bootstrap:RootApp::x" })), []);
        // Only the parent's type counts, not the resource's own name.
        assert.match(lines(reg(applicationType, "x", rootApp, { urn: "urn:pulumi:s::saif-platform::kubernetes:argoproj.io/v1alpha1:Application::saif:bootstrap:RootApp" }))[0], /Healthy|project/);
    });
    it("tier order: a label that is not a number is ignored; the same tier and an earlier one are fine", () => {
        const app = (name: string, tier: string, deps: string[] = []) => reg(applicationType, name, { ...gated(source), metadata: { ...gated(source).metadata, labels: { "saif.io/component": name, "saif.io/tier": tier } } },
            { dependencies: deps.map((d) => `urn:pulumi:s::saif-platform::saif:tiers:Tier$${applicationType}::${d}`) });
        assert.deepEqual(lines(app("a", "1"), app("b", "2", ["a"]), app("c", "2", ["b"])), []);
        assert.deepEqual(lines(app("a", "3"), app("b", "2", ["a"])), ["tier-order mandatory b: tier 2 depends on a of tier 3, a later tier"]);
        assert.deepEqual(lines(app("a", "3x"), app("b", "2", ["a"])), []);
        assert.deepEqual(lines(app("a", "x3"), app("b", "2", ["a"])), []);
        assert.deepEqual(lines(app("a", "10"), app("b", "9", ["a"])), ["tier-order mandatory b: tier 9 depends on a of tier 10, a later tier"]);
        assert.deepEqual(lines(app("a", "3"), app("b", "t2", ["a"])), []);
    });
    it("sealing key: only the labelled Secret; protect and retain each; an unknown retain (under the CLI) passes", () => {
        const key = { metadata: { name: "k", labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } }, stringData: {} };
        const secretOpts = { additionalSecretOutputs: ["data", "stringData"] };
        assert.deepEqual(lines(reg(secretType, "k", key, { ...secretOpts, protect: true, retainOnDelete: true })), []);
        assert.deepEqual(lines(reg(secretType, "other", { metadata: { name: "o" } }, secretOpts)), []);
        assert.deepEqual(lines(reg(secretType, "k", key, { ...secretOpts, protect: false, retainOnDelete: false })), [
            "sealing-key-kept mandatory k: the sealing key Secret is not protected", "sealing-key-kept mandatory k: the sealing key Secret is not retained on delete",
        ]);
        // The label on another kind is not the key.
        assert.deepEqual(lines(reg("kubernetes:core/v1:ConfigMap", "k", { metadata: key.metadata })), []);
        const noRetain = { ...reg(secretType, "k", key, { ...secretOpts, protect: true }) } as Partial<Registration>;
        delete noRetain.retainOnDelete;
        assert.deepEqual(lines(noRetain as Registration), []);
    });
    it("plain-text secrets: each half of additionalSecretOutputs; other providers' resources are not scanned", () => {
        assert.deepEqual(lines(reg(secretType, "s", {}, { additionalSecretOutputs: ["data"] })), ["no-plaintext-secrets mandatory s: the Secret's stringData are not additionalSecretOutputs, so the provider stores them in plain text"]);
        assert.deepEqual(lines(reg(secretType, "s", {}, { additionalSecretOutputs: ["stringData"] })), ["no-plaintext-secrets mandatory s: the Secret's data are not additionalSecretOutputs, so the provider stores them in plain text"]);
        assert.deepEqual(lines(reg("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret", "g", { plaintextValue: "hunter2", password: "x" })), []);
        assert.deepEqual(lines(reg("kubernetes:core/v1:ConfigMap", "c", { data: { password: "hunter2" } })), ["no-plaintext-secrets mandatory c: plain-text credential at data.password: a value under \"password\""]);
    });
    it("plainCredentials: every credential key form, every reference form, templates, YAML values", () => {
        for (const k of ["password", "dbPasswd", "passphrase", "token", "hecToken", "secret", "apiKey", "api_key", "api-key", "apikey", "privateKey", "private_key", "accessKey", "access-key", "clientSecret", "client_secret", "credentials", "credential"]) {
            assert.equal(plainCredentials({ [k]: "v" }, "").length, 1, k);
        }
        for (const k of ["passwordSecretName", "tokenRef", "secretRef", "secret_ref", "keyRef", "key_ref", "tokenFile", "passwordPath", "existingSecret", "secretMount", "tokenDir", "passwordEnv", "tokenEnabled", "tokenUrl", "tokenUri", "tokenEndpoint", "secretType", "secretKind", "secretNamespace", "secretLabel", "secretSelector", "secretAnnotations", "image"]) {
            assert.deepEqual(plainCredentials({ [k]: "v" }, ""), [], k);
        }
        assert.deepEqual(plainCredentials({ password: "${DB_PASSWORD}", token: "  " }, ""), []);
        assert.equal(plainCredentials({ password: "${DB}x" }, "").length, 1);
        assert.equal(plainCredentials({ password: "x${DB}" }, "").length, 1);
        // A values string that is not a YAML object is checked as a string; one with no colon is not parsed.
        assert.deepEqual(plainCredentials({ values: "- a: b" }, ""), []);
        assert.deepEqual(plainCredentials({ values: "nvapi-abcdefghijklmnopqrstuvwxyz" }, ""), ["values: a value shaped like an NGC key or a HEC token"]);
        assert.deepEqual(plainCredentials({ values: "key: [unclosed" }, ""), []);
        assert.deepEqual(plainCredentials({ other: "a: {password: x}" }, ""), []);
        // NGC keys: the prefix and at least 20 characters; GUIDs in any case; a GUID inside a longer word is not one.
        assert.deepEqual(plainCredentials({ a: "nvapi-short" }, ""), []);
        assert.equal(plainCredentials({ idea: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" }, "").length, 1, "a key that only starts with id");
        assert.equal(plainCredentials({ a: "0B1C2D3E-AAAA-BBBB-CCCC-0123456789AB" }, "").length, 1);
        assert.deepEqual(plainCredentials({ a: "x0b1c2d3e-aaaa-bbbb-cccc-0123456789abx" }, ""), []);
        assert.deepEqual(plainCredentials({ a: "0b1c2d3-aaaa-bbbb-cccc-0123456789ab" }, ""), []);
        assert.deepEqual(plainCredentials({ a: "0b1c2d3e-aaa-bbbb-cccc-0123456789ab" }, ""), []);
        assert.deepEqual(plainCredentials({ a: "0b1c2d3e-aaaa-bbb-cccc-0123456789ab" }, ""), []);
        assert.deepEqual(plainCredentials({ a: "0b1c2d3e-aaaa-bbbb-ccc-0123456789ab" }, ""), []);
        assert.deepEqual(plainCredentials({ a: "0b1c2d3e-aaaa-bbbb-cccc-0123456789a" }, ""), []);
        assert.deepEqual(plainCredentials({ a: "zzzzzzzz-aaaa-bbbb-cccc-0123456789ab" }, ""), []);
        // Parameters: only pure {name, value[, forceString]} objects are read as parameters.
        assert.deepEqual(plainCredentials([{ name: "adminPassword", value: "x", forceString: true }], ""), ["[0].value: a value under \"adminPassword\""]);
        assert.deepEqual(plainCredentials([{ name: "adminPassword", value: "x", extra: 1 }], ""), []);
        assert.deepEqual(plainCredentials([{ name: "db", password: "x" }], ""), ["[0].password: a value under \"password\""]);
    });
    it("pins: channels with a version; exact chart versions; Helm releases", () => {
        for (const c of ["gitops-1.18", "stable-4.18", "v25.3"]) assert.ok(versionedChannel(c), c);
        for (const c of ["latest", "stable", "fast", "candidate"]) assert.ok(!versionedChannel(c), c);
        for (const v of ["1.2.3", "v1.2.3", "10.20.30", "1.2.3-rc.1", "1.2.3+build.5", "0.0.0-x"]) assert.ok(exactVersion(v), v);
        for (const v of ["1.2", "^1.2.3", "~1.2.3", "1.2.x", "1.2.3 ", " 1.2.3", "latest", "", ">=1.0.0", "1.2.3-", "1.2.3.4", "vv1.2.3", "a1.2.3"]) assert.ok(!exactVersion(v), JSON.stringify(v));
        assert.deepEqual(lines(reg(subscriptionType, "sub", { spec: {} })), ["pinned-operators-and-charts mandatory sub: the Subscription names no channel, so OLM follows the package's default channel"]);
        assert.deepEqual(lines(reg(subscriptionType, "sub", { spec: { channel: "stable-4.18" } })), []);
        assert.deepEqual(lines(reg("kubernetes:helm.sh/v3:Release", "r", { version: "1.2.3" })), []);
        assert.deepEqual(lines(reg("kubernetes:helm.sh/v3:Release", "r", {})), ["pinned-operators-and-charts mandatory r: the chart's version \"\" is not an exact version"]);
        assert.deepEqual(lines(reg("kubernetes:helm.sh/v4:Chart", "r", { version: "1.x" })), ["pinned-operators-and-charts mandatory r: the chart's version \"1.x\" is not an exact version"]);
        // A Git folder at a branch is not a chart: not pinned by this policy (the release is the commit).
        assert.deepEqual(lines(reg(applicationType, "x", gated(source))), []);
    });
    it("Replace=true and cascade finalizers: every spelling that matters, and none that does not", () => {
        const withOpts = (syncOptions: string[], annotation?: string, finalizers?: string[], component = "x") => {
            const app = gated(source, true, { syncPolicy: { syncOptions } });
            app.metadata.labels["saif.io/component"] = component;
            if (annotation) (app.metadata.annotations as Record<string, string>)["argocd.argoproj.io/sync-options"] = annotation;
            return reg(applicationType, "x", { ...app, metadata: { ...app.metadata, ...(finalizers ? { finalizers } : {}) } });
        };
        assert.deepEqual(lines(withOpts(["ServerSideApply=true"], "Prune=false")), []);
        assert.deepEqual(lines(withOpts([], "Prune=false, Replace=true")), ["no-replace-or-crd-prune mandatory x: syncs with Replace=true"]);
        assert.deepEqual(lines(withOpts(["Replace=false"])), []);
        // Only Applications sync: another kind's fields of that name are not sync options.
        assert.deepEqual(lines(reg("kubernetes:argoproj.io/v1alpha1:ApplicationSet", "x", { spec: { syncPolicy: { syncOptions: ["Replace=true"] } } })), []);
        for (const f of ["resources-finalizer.argocd.argoproj.io", "resources-finalizer.argocd.argoproj.io/foreground", "resources-finalizer.argocd.argoproj.io/background"]) {
            assert.equal(lines(withOpts([], undefined, [f], "clickhouse-operator")).length, 1, f);
            assert.deepEqual(lines(withOpts([], undefined, [f], "gpu-operator")), [], `${f} on a component without CRDs`);
        }
        for (const f of ["x-resources-finalizer.argocd.argoproj.io", "resources-finalizer.argocd.argoproj.io/other", "resources-finalizer.argocd.argoproj.io/foregroundx"]) {
            assert.deepEqual(lines(withOpts([], undefined, [f], "clickhouse-operator")), [], f);
        }
    });
});

describe("policy runner: the server's semantics offline", () => {
    const reg = (type: string, name: string, extra: Partial<Registration> = {}): Registration => ({
        urn: `urn:pulumi:s::p::${type}::${name}`, kind: "register", type, name, custom: true, parent: "", provider: "", dependencies: [], protect: false,
        retainOnDelete: false, additionalSecretOutputs: [], ignoreChanges: [], importId: "", customTimeouts: { create: "", update: "", delete: "" }, inputs: {}, ...extra,
    });
    it("passes the options as the engine does: timeouts in seconds, parent, secret outputs, ignoreChanges; reads are not analyzed", () => {
        const seen: unknown[] = [];
        const policy = { name: "p", description: "d", enforcementLevel: "mandatory" as const, validateResource: (args: { opts: unknown; name: string }) => { seen.push([args.name, args.opts]); } };
        runPolicies([policy], [
            reg("t", "a", { parent: "urn:parent", ignoreChanges: ["x"], additionalSecretOutputs: ["y"], customTimeouts: { create: "1.5m", update: "10s", delete: "2h" } }),
            reg("t", "b", { customTimeouts: { create: "500ms", update: "", delete: "1x" } }),
            reg("t", "c", { customTimeouts: { create: "1h30m", update: "2m1x", delete: "x1m" } }),
            reg("t", "r", { kind: "read" }),
        ]);
        assert.deepEqual(seen, [
            ["a", { protect: false, ignoreChanges: ["x"], aliases: [], customTimeouts: { createSeconds: 90, updateSeconds: 10, deleteSeconds: 7200 }, additionalSecretOutputs: ["y"], parent: "urn:parent", retainOnDelete: false }],
            ["b", { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0.5, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], retainOnDelete: false }],
            ["c", { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 5400, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], retainOnDelete: false }],
        ]);
    });
    it("levels: disabled policies do not run or count; advisory stays advisory; notApplicable is no violation; isType by the class's type", () => {
        const report = runPolicies([
            { name: "off", description: "d", enforcementLevel: "disabled", validateResource: (_a, r) => r("never") },
            { name: "adv", description: "d", enforcementLevel: "advisory", validateResource: (_a, r) => r("advice") },
            { name: "na", description: "d", enforcementLevel: "mandatory", validateResource: (a) => a.notApplicable("no") },
            { name: "typed", description: "d", enforcementLevel: "mandatory", validateResource: (a, r) => {
                if (a.isType({ __pulumiType: "t" } as never) && a.asType({ __pulumiType: "t" } as never) === a.props && !a.isType({ __pulumiType: "u" } as never) && a.asType({ __pulumiType: "u" } as never) === undefined) r("typed ok");
            } },
        ], [reg("t", "a")]);
        assert.equal(report.policies, 3);
        assert.deepEqual(report.violations.map((v) => [v.policy, v.level, v.message]), [["adv", "advisory", "advice"], ["typed", "mandatory", "typed ok"]]);
        assert.equal(policySummary(report), "Policies (policy/, @pulumi/policy): 2 of 3 passed on 1 resources, 1 failed with 1 mandatory violation, 1 advisory");
        assert.equal(violationLine(report.violations[0]), "policy adv (advisory): urn:pulumi:s::p::t::a: advice; fix: ");
    });
    it("stack policies: dependencies and parents as resources, unknown URNs dropped, violations on the stack by default", () => {
        let shape: unknown;
        const report = runPolicies([{
            name: "st", description: "d", enforcementLevel: "mandatory", validateStack: (args, r) => {
                shape = args.resources.map((x) => [x.name, x.dependencies.map((d) => d.name), x.parent?.name ?? null]);
                r("on the stack");
                r("on b", args.resources[2].urn);
            },
        }], [
            reg("pulumi:pulumi:Stack", "stack"),
            reg("t", "a", { parent: "urn:pulumi:s::p::pulumi:pulumi:Stack::stack" }),
            reg("t", "b", { dependencies: ["urn:pulumi:s::p::t::a", "urn:missing"], parent: "urn:missing" }),
        ]);
        assert.deepEqual(shape, [["stack", [], null], ["a", [], "stack"], ["b", ["a"], null]]);
        assert.deepEqual(report.violations.map((v) => v.urn), ["urn:pulumi:s::p::pulumi:pulumi:Stack::stack", "urn:pulumi:s::p::t::b"]);
        assert.equal(policySummary(report), "Policies (policy/, @pulumi/policy): 0 of 1 passed on 3 resources, 1 failed with 2 mandatory violations");
        // Without a Stack resource the violation has no URN to fall back on.
        assert.equal(runPolicies([{ name: "st", description: "d", validateStack: (_a, r) => r("x") }], [reg("t", "a")]).violations[0].urn, "");
    });
    it("an unknown a policy lets escape is an advisory 'can't run', as the server reports it", () => {
        const report = runPolicies([{ name: "raw", description: "d", enforcementLevel: "mandatory", validateResource: (a) => { void (a.props as { x: unknown }).x; } }],
            [reg("t", "a", { inputs: { x: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } })]);
        assert.deepEqual(report.violations.map((v) => [v.level, v.message]), [["advisory", "can't run policy during preview: string value at .x can't be known during preview"]]);
        assert.throws(() => runPolicies([{ name: "bug", description: "d", validateResource: () => { throw new TypeError("bug"); } }], [reg("t", "a")]), /bug/);
    });
});
