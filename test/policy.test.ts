import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { buildPlan } from "../cli/plan";
import type { Recording, Registration } from "../cli/mockrun";
import { checkPolicies, policyStage } from "../cli/policy";
import { applicationType, platformPolicies, plainCredentials, ringProblems, secretType, subscriptionType } from "../policy/policies";
import { runPolicies } from "../policy/run";
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
        const relaxed = runPolicies(platformPolicies({ rings: [], stackFiles: [] }, (t) => yaml.load(t)), regs,
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
    const parse = (t: string) => yaml.load(t);
    it("plainCredentials: values under credential keys, PEM keys, NGC keys; references and empty values are not", () => {
        assert.deepEqual(plainCredentials({ a: { password: "hunter2", passwordSecretName: "db", existingSecret: "s", token: "" } }, "", parse), ["a.password: a value under \"password\""]);
        assert.deepEqual(plainCredentials({ tls: "-----BEGIN RSA PRIVATE KEY-----\nMII..." }, "", parse), ["tls: a PEM private key"]);
        assert.deepEqual(plainCredentials({ values: "ngc:\n  key: nvapi-abcdefghijklmnopqrstuvwxyz012345\n" }, "", parse), ["values(yaml).ngc.key: a value shaped like an NGC key or a HEC token"]);
        assert.deepEqual(plainCredentials({ parameters: [{ name: "auth.adminPassword", value: "x" }, { name: "image.tag", value: "1" }] }, "", parse), ["parameters[0].value: a value under \"adminPassword\""]);
        assert.deepEqual(plainCredentials({ metadata: { uid: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" }, spec: { clusterId: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab", tokenSecretRef: { name: "t" } } }, "", parse), []);
        assert.deepEqual(plainCredentials({ env: [{ name: "HEC", value: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" }] }, "", parse), ["env[0].value: a value shaped like an NGC key or a HEC token"]);
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
