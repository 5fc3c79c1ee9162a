import { strict as assert } from "node:assert";
import fc from "fast-check";
import { z } from "zod";
import { catalog, platformSecrets } from "../components/catalog";
import { loadStack } from "../cli/stackFile";
import { planCluster } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { decode, parseClusterConfig, RawConfig } from "../stacks/parse";
import { formatIssues, keyPath } from "../stacks/schema";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expectedDependencies, minimalRaw, root, seedTable, stackRaw, problemLines } from "./helpers";
import { makeKeyPair } from "./keys";

const problemsOf = (raw: RawConfig): string[] => problemLines(() => parseClusterConfig(raw));

describe("stack config (pure)", () => {
    it("parses the three stack files", () => {
        const expected = { "ai-pod-1": 24, "ai-pod-2": 24, "ai-pod-3": 16 };
        for (const [stack, count] of Object.entries(expected)) {
            const config = parseClusterConfig(stackRaw(stack));
            assert.equal(config.cluster, stack);
            assert.equal(config.components.length, count, stack);
            assert.equal(config.gitops.clusterAppsPath, `clusters/${stack}`);
            assert.ok(Object.isFrozen(config) && Object.isFrozen(config.components[0].source), "frozen");
        }
    });

    it("plans ai-pod-3 without any Tier 3 component, in an order that honours every dependency", () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) {
            const plan = planCluster(parseClusterConfig(stackRaw(stack)));
            const pos = new Map(plan.order.map((c, i) => [c.name, i]));
            for (const s of seedTable()) {
                if (!pos.has(s.name)) continue;
                for (const d of expectedDependencies(s)) assert.ok(pos.get(d)! < pos.get(s.name)!, `${stack}: ${d} before ${s.name}`);
            }
            if (stack === "ai-pod-3") assert.deepEqual(plan.order.filter((c) => c.tier === 3), []);
        }
    });

    it("carries the seed's loadBalancerIP of the Timescape UI, as values of its chart", () => {
        const c = parseClusterConfig(stackRaw("ai-pod-1")).components.find((x) => x.name === "hubble-timescape")!;
        assert.deepEqual(c.source.helmValues, { "hubble-timescape": { ui: { service: { type: "LoadBalancer", loadBalancerIP: "10.0.1.80" } } } });
        assert.equal(c.source.kustomizePatches, undefined);
    });

    it("accepts values as the Pulumi runtime passes them: JSON text and \"true\"", () => {
        const raw = minimalRaw({ gpu: "false", gitops: JSON.stringify({ repoUrl: "https://github.com/x/y.git", revision: "v2" }) });
        const c = parseClusterConfig(raw);
        assert.equal(c.gpu, false);
        assert.equal(c.gitops.revision, "v2");
        assert.equal(c.components.length, 16);
    });

    it("applies overrides: off, pinned revision, extra dependency, timeout, and orders an extra component", () => {
        const c = parseClusterConfig(minimalRaw({
            components: {
                "splunk-reporter": { enabled: false },
                "nim-llm": { targetRevision: "nim-1.2", healthTimeoutSeconds: 7200 },
                "intersight-otel": { dependsOn: ["splunk-otel"] },
            },
            extraComponents: { "demo-chat": { tier: 3, path: "apps/demo-chat", namespace: "demo", dependsOn: ["nim-llm"] } },
        }));
        assert.ok(!c.components.some((x) => x.name === "splunk-reporter"));
        assert.deepEqual(c.disabled, [{ name: "splunk-reporter", why: "saif-platform:components.splunk-reporter.enabled is false" }]);
        const nim = c.components.find((x) => x.name === "nim-llm")!;
        assert.equal(nim.source.targetRevision, "nim-1.2");
        assert.equal(nim.healthTimeoutSeconds, 7200);
        assert.deepEqual(c.components.find((x) => x.name === "intersight-otel")!.dependsOn, ["sealed-secrets", "splunk-otel"]);
        const plan = planCluster(c);
        assert.equal(plan.order[plan.order.length - 1].name, "demo-chat");
        assert.equal(plan.derivedWave.get("demo-chat"), plan.derivedWave.get("nim-llm")! + 1);
    });

    const bad: [string, Record<string, unknown>, string[], string[]?][] = [
        ["misspelt dependency", { components: { "nim-llm": { dependsOn: ["nim-operatr"] } } },
            ['saif-platform:components.nim-llm.dependsOn[0]: "nim-operatr" is not a component; did you mean "nim-operator"?']],
        ["not a boolean", { components: { "nim-llm": { enabled: "yes" } } },
            ['saif-platform:components.nim-llm.enabled: "yes" is not a boolean; use true or false']],
        ["one bad field hides no other problem", { components: { "nim-llm": { enabled: "yes", dependsOn: ["nim-operatr"] }, tetragon: { finalizer: "later" } } },
            ['saif-platform:components.nim-llm.enabled: "yes" is not a boolean; use true or false',
                'saif-platform:components.tetragon.finalizer: "later" is not one of "none", "cascade", "foreground"',
                'saif-platform:components.nim-llm.dependsOn[0]: "nim-operatr" is not a component; did you mean "nim-operator"?']],
        ["unknown component", { components: { "gpu-operater": { enabled: false } } },
            ['saif-platform:components.gpu-operater: "gpu-operater" is not a component; did you mean "gpu-operator"?']],
        ["unknown key in a component", { components: { "nim-llm": { enable: false } } },
            ['saif-platform:components.nim-llm.enable: unknown key "enable"; did you mean "enabled"?']],
        ["unknown top-level key", { gpus: true },
            ['saif-platform:gpus: unknown config key; did you mean "saif-platform:gpu"?']],
        ["dependency on a component that is off", { components: { "gpu-operator": { enabled: false } } },
            ['saif-platform:components.gpu-cluster-policy.enabled: "gpu-cluster-policy" depends on "gpu-operator", which is off on this cluster; turn "gpu-operator" on (saif-platform:components.gpu-operator.enabled: true), or turn "gpu-cluster-policy" off (saif-platform:components.gpu-cluster-policy.enabled: false), with what depends on it: "nim-llm"']],
        ["a component off with dependents several levels down: all named at once", { components: { "nfd-operator": { enabled: false } } },
            ['saif-platform:components.gpu-operator.enabled: "gpu-operator" depends on "nfd-operator", which is off on this cluster; turn "nfd-operator" on (saif-platform:components.nfd-operator.enabled: true), or turn "gpu-operator" off (saif-platform:components.gpu-operator.enabled: false), with what depends on it: "gpu-cluster-policy", "nim-llm"',
                'saif-platform:components.nfd-instance.enabled: "nfd-instance" depends on "nfd-operator", which is off on this cluster; turn "nfd-operator" on (saif-platform:components.nfd-operator.enabled: true), or turn "nfd-instance" off (saif-platform:components.nfd-instance.enabled: false), with what depends on it: "gpu-cluster-policy", "nim-cache", "nim-llm"']],
        ["cycle", { components: { "platform-idms": { dependsOn: ["sealed-secrets"] } } },
            ["saif-platform:components.platform-idms.dependsOn[0]: dependency cycle sealed-secrets-controller -> platform-idms -> sealed-secrets -> sealed-secrets-controller; remove one of these dependencies"]],
        ["dependency on a later tier", { components: { "sealed-secrets": { dependsOn: ["tetragon"] } }, extraComponents: { early: { tier: 1, path: "apps/early", dependsOn: ["tetragon"] } } },
            ['saif-platform:components.sealed-secrets.dependsOn[0]: "sealed-secrets" (tier 1) depends on "tetragon" (tier 2); a component may depend only on its own or an earlier tier: move it to tier 2 or later, or drop the dependency',
                'saif-platform:extraComponents.early.dependsOn[0]: "early" (tier 1) depends on "tetragon" (tier 2); a component may depend only on its own or an earlier tier: move it to tier 2 or later, or drop the dependency']],
        ["GPU-only component on a cluster without GPUs", { gpu: false, components: { "gpu-operator": { enabled: true } } },
            ['saif-platform:components.gpu-operator.enabled: true, but "gpu-operator" needs GPUs and saif-platform:gpu is false; remove the override, or set gpu: true if the cluster has GPUs',
                'saif-platform:components.gpu-operator.enabled: "gpu-operator" depends on "platform-catalogsources", which is off on this cluster; turn "platform-catalogsources" on (saif-platform:components.platform-catalogsources.enabled: true), or turn "gpu-operator" off (saif-platform:components.gpu-operator.enabled: false)'],
            ['saif-platform:components.gpu-operator.enabled: true, but "gpu-operator" needs GPUs and saif-platform:gpu is false; remove the override, or set gpu: true if the cluster has GPUs']],
        ["extra component depending on a GPU component on a cluster without GPUs", { gpu: false, extraComponents: { chat: { tier: 2, path: "apps/chat", dependsOn: ["nim-llm"] } } },
            ['saif-platform:extraComponents.chat.dependsOn[0]: "chat" depends on "nim-llm", which is off on this cluster (it needs GPUs and saif-platform:gpu is false); turn "nim-llm" on (saif-platform:components.nim-llm.enabled: true), or turn "chat" off (saif-platform:extraComponents.chat.enabled: false)']],
        ["GPU-only extra component turned on without GPUs", { gpu: false, extraComponents: { chat: { tier: 3, path: "apps/chat", enabled: true } } },
            ['saif-platform:extraComponents.chat.enabled: true, but "chat" needs GPUs and saif-platform:gpu is false; remove enabled, or set gpuOnly: false if it runs without GPUs']],
        ["missing cluster name", { cluster: undefined },
            ["saif-platform:cluster: is required; set the cluster's name, e.g. pulumi config set cluster ai-pod-1"]],
        ["cluster name not a DNS label", { cluster: "AI_Pod" },
            ['saif-platform:cluster: "AI_Pod" is not a DNS label; use lowercase letters, digits and "-"']],
        ["unknown flavor", { argocd: { flavor: "flux" } },
            ['saif-platform:argocd.flavor: "flux" is not one of "openshift-gitops", "helm", "existing"']],
        ["malformed repository URL", { gitops: { repoUrl: "github.com/x" } },
            ['saif-platform:gitops.repoUrl: "github.com/x" is not a repository URL; use https://host/org/repo.git or git@host:org/repo.git']],
        ["private repository without credentials", { gitops: { repoUrl: "https://github.com/x/y.git", access: "token" } },
            ["saif-platform:repoToken: a private repository read over HTTPS needs a token; run: pulumi config set --secret repoToken <token>"]],
        ["deploy key without owner/repository", { gitops: { repoUrl: "git@github.com:x/y.git", access: "deployKey" } },
            ["saif-platform:gitops.github: deploy keys are registered on GitHub; set github.owner and github.repository",
                "saif-platform:githubToken: registering the deploy key needs a GitHub token; run: pulumi config set --secret githubToken <token>"]],
        ["secret given as plain config", { ngcApiKey: "nvapi-123" },
            ["saif-platform:ngcApiKey: is set in plain text; remove it and run: pulumi config set --secret ngcApiKey <value>"]],
        ["key supplied without its certificate", { sealedSecrets: { keySource: "config" }, sealingKey: "-----BEGIN" },
            ['saif-platform:sealingKey: is set in plain text; remove it and run: pulumi config set --secret sealingKey <value>',
                'saif-platform:sealingCert: is not set, but sealedSecrets.keySource is "config"; run: pulumi config set --secret sealingCert "$(cat <pem file>)", or use keySource: stack with the fleet stack']],
        ["missing secret an enabled component needs", { secretDelivery: { directSecrets: true } },
            ['saif-platform:registryPullSecret: is not set, but "argocd-config" needs it; run: pulumi config set --secret registryPullSecret <value>, or turn "argocd-config" off',
                'saif-platform:splunkHecToken: is not set, but "splunk-otel" and "splunk-reporter" need it; run: pulumi config set --secret splunkHecToken <value>, or turn "splunk-otel" off',
                'saif-platform:timescapePushApiPassword: is not set, but "hubble-timescape" and "vector-exporter" need it; run: pulumi config set --secret timescapePushApiPassword <value>, or turn "hubble-timescape" off',
                'saif-platform:intersightApiKey: is not set, but "intersight-otel" needs it; run: pulumi config set --secret intersightApiKey <value>, or turn "intersight-otel" off',
                'saif-platform:intersightKeyId: is not set, but "intersight-otel" needs it; run: pulumi config set --secret intersightKeyId <value>, or turn "intersight-otel" off',
                'saif-platform:ngcApiKey: is not set, but "nim-cache" and "nim-llm" need it; run: pulumi config set --secret ngcApiKey <value>, or turn "nim-cache" off']],
        ["GitHub delivery without a token", { gitops: { repoUrl: "https://github.com/x/y.git", github: { owner: "x", repository: "y" } }, secretDelivery: { githubEnvironment: true } },
            ["saif-platform:githubToken: commitSealed and githubEnvironment write to GitHub; run: pulumi config set --secret githubToken <token>"],
            ["saif-platform:githubToken: commitSealed and githubEnvironment write to GitHub; run: pulumi config set --secret githubToken <token>"]],
        ["timeout not a number", { components: { "nim-llm": { healthTimeoutSeconds: "2h" } } },
            ['saif-platform:components.nim-llm.healthTimeoutSeconds: "2h" is not a number']],
        ["no cluster access", { kubernetes: undefined },
            ['saif-platform:kubernetes.context: no cluster access configured; set the kubeconfig context of this cluster, or run: pulumi config set --secret kubeconfig "$(cat kubeconfig)"']],
        ["Manual approval of the GitOps operator (no unattended gate can pass it)", { argocd: { approval: "Manual" } },
            ['saif-platform:argocd.approval: "Manual" can never pass the unattended gate on the operator\'s Subscription (its InstallPlan waits for someone to approve it while pulumi up waits for the install); use Automatic, or install the operator yourself and use flavor: existing']],
        ["adoption without the existing flavor", { adoptExisting: true },
            ["saif-platform:adoptExisting: true needs saif-platform:argocd.flavor: existing (a cluster the seed built already runs Argo CD; installing another would race it); set argocd.flavor: existing, or adoptExisting: false"]],
        ["a fleet stack that is not organization/<project>/<stack>", { sealedSecrets: { keySource: "stack", fleetStack: "fleet" } },
            ['saif-platform:sealedSecrets.fleetStack: "fleet" is not <organization>/<project>/<stack>; on the local backend (pulumi login --local) it is organization/saif-fleet/fleet']],
        ["a revision the gate cannot name", { components: { "nim-llm": { targetRevision: "main branch" } }, gitops: { repoUrl: "https://github.com/example/gitops.git", revision: "ref=v2" } },
            ['saif-platform:gitops.revision: "ref=v2" must not contain "=" (Pulumi\'s waitFor gate could not name it)',
                'saif-platform:components.nim-llm.targetRevision: "main branch" must not contain white space']],
    ];
    for (const [title, edit, expected, subset] of bad) {
        it(`rejects: ${title}`, () => {
            const lines = problemsOf(minimalRaw(edit));
            if (subset) for (const l of subset) assert.ok(lines.includes(l), `missing line:\n${l}\ngot:\n${lines.join("\n")}`);
            else assert.deepEqual(lines, expected);
            for (const l of lines) {
                assert.match(l, /^(saif-platform:[\w.[\]-]+|--\w+ \S+): [a-z"0-9]/, "starts with the key, lower case");
                assert.ok(!l.includes("\n") && !/at .*\.ts:\d+/.test(l), "one line, no stack trace");
            }
        });
    }

    it("checks a fleet key given as secret config: RSA, unexpired, matching its key", () => {
        const good = makeKeyPair();
        const withKey = (key: string, cert: string) => minimalRaw(
            { sealedSecrets: { keySource: "config" }, sealingKey: key, sealingCert: cert }, ["sealingKey", "sealingCert"]);
        assert.deepEqual(problemsOf(withKey(good.privateKeyPem, good.certPem)), []);
        const expired = makeKeyPair({ notBefore: new Date("2020-01-01"), notAfter: new Date("2021-01-01") });
        assert.deepEqual(problemsOf(withKey(expired.privateKeyPem, expired.certPem)), [
            'saif-platform:sealingCert: expired on Jan  1 00:00:00 2021 GMT; renew the fleet key (see "Key rotation" in docs/reference.md)']);
        const ec = readFileSync(path.join(root, "test/fixtures/ec-cert.pem"), "utf8");
        assert.deepEqual(problemsOf(withKey(good.privateKeyPem, ec)), ["saif-platform:sealingCert: is a ec certificate; Sealed Secrets needs an RSA certificate"]);
        assert.deepEqual(problemsOf(withKey(good.privateKeyPem, "not a certificate")), [
            "saif-platform:sealingCert: is not a PEM certificate; give the fleet's certificate (tls.crt of the sealing key Secret)"]);
        assert.deepEqual(problemsOf(withKey(good.privateKeyPem, makeKeyPair().certPem)), [
            "saif-platform:sealingCert: the certificate does not match sealingKey; give the certificate made from this key"]);
        for (const lines of [problemsOf(withKey(good.privateKeyPem, makeKeyPair().certPem))]) {
            assert.ok(!lines.join("").includes(good.privateKeyPem.split("\n")[1]), "never echoes the key");
        }
    });

    it("reports a stack file that is not valid YAML in one line, and a duplicate key by its name", () => {
        const file = path.join(tmpdir(), "broken-stack.yaml");
        writeFileSync(file, "config:\n  saif-platform:cluster: [a\n");
        assert.throws(() => loadStack(root, "ai-pod-1", file), (e: unknown) => e instanceof ConfigProblems &&
            e.lines.length === 1 && /^.*broken-stack\.yaml: line \d+, column \d+: .+; fix the YAML of a stack file$/.test(e.lines[0]));
        writeFileSync(file, "config:\n  saif-platform:cluster: a\n  saif-platform:cluster: b\n");
        assert.throws(() => loadStack(root, "ai-pod-1", file), (e: unknown) => e instanceof ConfigProblems &&
            e.lines.length === 1 && e.lines[0] === `${file}: line 3: config.saif-platform:cluster is set twice; keep one (YAML keeps only the last, silently)`);
    });

    it("leaves a GPU-only extra component off on a cluster without GPUs, as it does Tier 3", () => {
        const c = parseClusterConfig(minimalRaw({ gpu: false, extraComponents: { chat: { tier: 3, path: "apps/chat" }, web: { tier: 2, path: "apps/web" } } }));
        assert.deepEqual(c.components.filter((x) => x.extra).map((x) => x.name), ["web"]);
    });

    it("collects every problem before failing", () => {
        const lines = problemsOf(minimalRaw({ gpus: 1, argocd: { flavor: "x" }, components: { "nim-llm": { enabled: "no" } } }));
        assert.equal(lines.length, 3);
    });

    it("never crashes on arbitrary input: it parses or reports lines (property)", () => {
        const anyValue = fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(null), fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()));
        const keys = fc.constantFrom("cluster", "gpu", "gitops", "argocd", "components", "extraComponents", "sealedSecrets", "rootApp", "mirror", "nonsense");
        fc.assert(fc.property(fc.dictionary(keys, anyValue), (edit) => {
            try {
                parseClusterConfig(minimalRaw(edit));
            } catch (e) {
                assert.ok(e instanceof ConfigProblems, String(e));
                assert.ok(e.lines.length > 0);
                for (const l of e.lines) assert.match(l, /^saif-platform:\S.*?: \S/);
            }
        }), { numRuns: 300 });
    });

    it("turns random component toggles into either a valid plan or a named dependency problem (property)", () => {
        fc.assert(fc.property(fc.boolean(), fc.subarray(catalog.map((c) => c.name)), (gpu, off) => {
            const components = Object.fromEntries(off.map((n) => [n, { enabled: false }]));
            try {
                const config = parseClusterConfig(minimalRaw({ gpu, components }));
                const on = new Set(config.components.map((c) => c.name));
                for (const c of config.components) for (const d of c.dependsOn) assert.ok(on.has(d));
                for (const n of off) assert.ok(!on.has(n));
            } catch (e) {
                assert.ok(e instanceof ConfigProblems);
                for (const l of e.lines) assert.match(l, /which is off on this cluster/);
            }
        }), { numRuns: 200 });
    });
});

describe("stack config: the rules across keys, one exact line each (pure)", () => {
    const values = (extra: Record<string, unknown>): RawConfig => ({ ...minimalRaw(), values: { ...minimalRaw().values, ...extra } });
    // Every platform secret set (securely) but the ones named, and the extra secret keys given.
    const secrets = (except: string[], edit: Record<string, unknown>, extra: string[] = []): RawConfig => {
        const keys = [...platformSecrets.map((s) => s.key).filter((k) => !except.includes(k)), "githubToken", ...extra];
        return minimalRaw({ ...Object.fromEntries(keys.map((k) => [k, "v"])), ...edit }, keys);
    };
    // The sealing key pair from config (both values "v"), the keys named being preview stand-ins.
    const keyPair = (standIns: string[], sealedSecrets: Record<string, unknown> = { keySource: "config" }): RawConfig =>
        ({ ...secrets([], { sealedSecrets }, ["sealingKey", "sealingCert"]), standIns: new Set(standIns.map((k) => `saif-platform:${k}`)) });
    const github = "commitSealed and githubEnvironment write to GitHub; set saif-platform:gitops.github.owner and .repository";
    const cases: [string, RawConfig, string[]][] = [
        ["gpu not set", minimalRaw({ gpu: undefined }), ["saif-platform:gpu: is required; set true for a cluster with NVIDIA GPUs, false otherwise"]],
        // Nothing claims "gpu is false" while gpu is not set at all.
        ["gpu not set, a GPU component turned on", minimalRaw({ gpu: undefined, components: { "nim-llm": { enabled: true } } }),
            ["saif-platform:gpu: is required; set true for a cluster with NVIDIA GPUs, false otherwise"]],
        ["a stack file without its cluster", { ...minimalRaw({ cluster: undefined }), stack: "ai-pod-1" },
            ["saif-platform:cluster: is required; set the cluster's name, e.g. pulumi config set cluster ai-pod-1"]],
        ["a key with colons after another namespace is read whole", values({ "x:c:l:u:s:t:e:r": 1 }),
            ["x:c:l:u:s:t:e:r: the program reads only saif-platform:<key>, so this is ignored; move it under saif-platform: or remove it"]],
        ["components written as a number", minimalRaw({ components: 5 }), ["saif-platform:components: 5 is not a mapping of keys to values"]],
        ["an unknown key deep inside, and a later check on the rest", minimalRaw({ gitops: { repoUrl: "https://github.com/example/gitops.git", clusterAppsPath: "a=b",
            github: { owner: "o", repository: "r", zzz: 1 } } }), [
            'saif-platform:gitops.github.zzz: unknown key "zzz"; valid keys are "owner", "repository"',
            'saif-platform:gitops.clusterAppsPath: "a=b" must not contain "=" (Pulumi\'s waitFor gate could not name it)']],
        ["an unknown key, and a later check on the rest", minimalRaw({ gitops: { repoUrl: "https://github.com/example/gitops.git", clusterAppsPath: "a=b", zzz: 1 } }), [
            'saif-platform:gitops.zzz: unknown key "zzz"; valid keys are "repoUrl", "revision", "clusterAppsPath", "access", "github"',
            'saif-platform:gitops.clusterAppsPath: "a=b" must not contain "=" (Pulumi\'s waitFor gate could not name it)']],
        ["a value of the wrong type, and a later check on the rest", minimalRaw({ gitops: { repoUrl: "https://github.com/example/gitops.git", clusterAppsPath: "a=b", revision: 5 } }), [
            "saif-platform:gitops.revision: 5 is not a string",
            'saif-platform:gitops.clusterAppsPath: "a=b" must not contain "=" (Pulumi\'s waitFor gate could not name it)']],
        ["a repository URL the gate cannot name", minimalRaw({ gitops: { repoUrl: "https://github.com/example/a=b.git" } }),
            ['saif-platform:gitops.repoUrl: "https://github.com/example/a=b.git" must not contain "=" (Pulumi\'s waitFor gate could not name it)']],
        ["commitSealed without the GitHub repository", secrets([], { secretDelivery: { commitSealed: true } }), [`saif-platform:secretDelivery: ${github}`]],
        ["githubEnvironment without the GitHub repository", secrets([], { secretDelivery: { githubEnvironment: true } }), [`saif-platform:secretDelivery: ${github}`]],
        ["directSecrets without a secret an enabled component needs", secrets(["ngcApiKey"], { secretDelivery: { directSecrets: true } }),
            ['saif-platform:ngcApiKey: is not set, but "nim-cache" and "nim-llm" need it; run: pulumi config set --secret ngcApiKey <value>, or turn "nim-cache" off']],
        ["commitSealed without a secret an enabled component needs", secrets(["ngcApiKey"], { secretDelivery: { commitSealed: true },
            gitops: { repoUrl: "https://github.com/example/gitops.git", github: { owner: "example", repository: "gitops" } } }),
            ['saif-platform:ngcApiKey: is not set, but "nim-cache" and "nim-llm" need it; run: pulumi config set --secret ngcApiKey <value>, or turn "nim-cache" off']],
        ["directSecrets without a secret only turned-off components need", secrets(["splunkHecToken"], { secretDelivery: { directSecrets: true },
            components: { "splunk-otel": { enabled: false }, "splunk-reporter": { enabled: false } } }), []],
        ["a key pair from config whose values are preview stand-ins", keyPair(["sealingKey", "sealingCert"]), []],
        ["a key pair from config, the key a stand-in", keyPair(["sealingKey"]), []],
        ["a key pair from config, the certificate a stand-in", keyPair(["sealingCert"]), []],
        ["a key pair from config that is not one", keyPair([]),
            ["saif-platform:sealingCert: is not a PEM certificate; give the fleet's certificate (tls.crt of the sealing key Secret)"]],
        ["a fleet stack that the key source does not read", keyPair(["sealingKey", "sealingCert"], { keySource: "config", fleetStack: "a/b/c/d" }), []],
        ["Manual approval of a Helm-installed Argo CD (no Subscription)", minimalRaw({ argocd: { flavor: "helm", approval: "Manual" } }), []],
        ["another StorageClass the cluster has, LVMS off", minimalRaw({ components: { "lvms-operator": { enabled: false } },
            serving: { gpuProduct: "h100", storageClass: "nfs", storageClassExists: true } }), []],
        ["a model cache of exactly one profile's size", minimalRaw({ serving: { gpuProduct: "h100", image: "nvcr.io/nim/meta/llama-3.1-8b-instruct", cacheSize: "15.04Gi" } }), []],
        ["an extra component's patch that is neither inline nor a file", minimalRaw({ extraComponents: { x: { tier: 1, path: "apps/x", kustomize: { patches: [{}] } } } }),
            ["saif-platform:extraComponents.x.kustomize.patches[0]: has neither patch nor path; give the patch inline (patch) or a file next to kustomization.yaml (path)"]],
        ["kustomize patches on an extra Kustomize folder", minimalRaw({ extraComponents: { x: { tier: 1, path: "apps/x", content: "kustomize", kustomize: { patches: [{ path: "p.yaml" }] } } } }), []],
        ["a cycle whose first edge is the catalog's", minimalRaw({ components: { "nfd-operator": { dependsOn: ["nim-llm"] }, "nim-operator": { dependsOn: ["nim-llm"] } } }),
            ["saif-platform:components.nim-operator.dependsOn[0]: dependency cycle nim-llm -> nim-cache -> nim-operator -> nim-llm; remove one of these dependencies"]],
        ["gitops not set", minimalRaw({ gitops: undefined }), ["saif-platform:gitops.repoUrl: is required; set the GitOps repository's URL"]],
        ["keys of other namespaces; the engine's own are not judged", values({ "kubernetes:context": "x", "pulumi:tags": "t", "aws:zzzzzzzz": 1 }), [
            "kubernetes:context: the program reads only saif-platform:<key>, so this is ignored; move it under saif-platform: or remove it",
            "aws:zzzzzzzz: the program reads only saif-platform:<key>, so this is ignored; move it under saif-platform: or remove it"]],
        ["an unknown key near nothing", values({ "saif-platform:zzzzzzzzzz": 1 }), ["saif-platform:zzzzzzzzzz: unknown config key; see the config reference in docs/reference.md"]],
        ["an override of no component", minimalRaw({ components: { zzzzzzzzzzzz: { enabled: false } } }),
            ['saif-platform:components.zzzzzzzzzzzz: "zzzzzzzzzzzz" is not a component; add it under saif-platform:extraComponents instead']],
        ["an extra component named as a catalog one", minimalRaw({ extraComponents: { "nim-llm": { tier: 3, path: "apps/x" } } }),
            ['saif-platform:extraComponents.nim-llm: "nim-llm" is already a catalog component; override it under saif-platform:components.nim-llm or pick another name']],
        ["helm values on a Kustomize folder", minimalRaw({ components: { "platform-idms": { helm: { values: {} } } } }),
            ['saif-platform:components.platform-idms.helm: "platform-idms" is a Kustomize folder (apps/platform-idms), not a Helm chart; use saif-platform:components.platform-idms.kustomize.patches instead']],
        ["helm values on a plain directory", minimalRaw({ components: { "argocd-config": { helm: { values: {} } } } }),
            ['saif-platform:components.argocd-config.helm: "argocd-config" is a plain directory (apps/argocd-config), not a Helm chart; use saif-platform:components.argocd-config.kustomize.patches instead']],
        ["kustomize patches on an extra Helm chart", minimalRaw({ extraComponents: { x: { tier: 1, path: "apps/x", content: "helm", kustomize: { patches: [] } } } }),
            ["saif-platform:extraComponents.x.kustomize: content is helm; set its values under saif-platform:extraComponents.x.helm.values instead"]],
        ["an extra tier 3 component turned on without GPUs", minimalRaw({ gpu: false, extraComponents: { x: { tier: 3, path: "apps/x", enabled: true } } }),
            ['saif-platform:extraComponents.x.enabled: true, but "x" needs GPUs and saif-platform:gpu is false; remove enabled, or set gpuOnly: false if it runs without GPUs']],
        ["an extra tier 1 component turned on without GPUs", minimalRaw({ gpu: false, extraComponents: { x: { tier: 1, path: "apps/x", enabled: true } } }), []],
        ["a mirror registry without its catalog image", minimalRaw({ mirror: { registry: "r.example.com" } }),
            ["saif-platform:mirror.gitopsCatalogImage: is required with the other mirror setting; set both registry and gitopsCatalogImage, or neither"]],
        ["a mirror catalog image without its registry", minimalRaw({ mirror: { gitopsCatalogImage: "r.example.com/x:1" } }),
            ["saif-platform:mirror.registry: is required with the other mirror setting; set both registry and gitopsCatalogImage, or neither"]],
        ["the acme issuer without an e-mail", minimalRaw({ certManager: { issuer: "acme" } }),
            ["saif-platform:certManager.acmeEmail: is required for the acme issuer; set the ACME account e-mail"]],
        ["a dependency near no component", minimalRaw({ components: { "nim-llm": { dependsOn: ["zzzzzzzzzzzzz"] } } }),
            ['saif-platform:components.nim-llm.dependsOn[0]: "zzzzzzzzzzzzz" is not a component; known components are listed by npm run plan']],
        ["a cycle through a later tier", minimalRaw({ components: { "platform-idms": { dependsOn: ["nim-llm"] } } }), [
            'saif-platform:components.platform-idms.dependsOn[0]: "platform-idms" (tier 1) depends on "nim-llm" (tier 3); a component may depend only on its own or an earlier tier: move it to tier 3 or later, or drop the dependency',
            "saif-platform:components.platform-idms.dependsOn[0]: dependency cycle platform-idms -> nim-llm -> nim-cache -> nim-operator -> platform-idms; remove one of these dependencies"]],
        ["the context of another stack", { ...minimalRaw({ kubernetes: { context: "ai-pod-2" }, cluster: "ai-pod-1" }), stack: "ai-pod-1", otherStacks: ["ai-pod-2"] },
            ['saif-platform:kubernetes.context: "ai-pod-2" is the context of the stack "ai-pod-2": this stack would touch that cluster; set the context of ai-pod-1']],
        ["another stack's context when the stack is not known", { ...minimalRaw({ kubernetes: { context: "ai-pod-2" } }), otherStacks: ["ai-pod-2"] }, []],
        ["a fleet stack of four parts", minimalRaw({ sealedSecrets: { keySource: "stack", fleetStack: "a/b/c/d" } }),
            ['saif-platform:sealedSecrets.fleetStack: "a/b/c/d" is not <organization>/<project>/<stack>; on the local backend (pulumi login --local) it is organization/saif-fleet/fleet']],
        ["a fleet stack with a space before it", minimalRaw({ sealedSecrets: { keySource: "stack", fleetStack: "x a/b/c" } }),
            ['saif-platform:sealedSecrets.fleetStack: "x a/b/c" is not <organization>/<project>/<stack>; on the local backend (pulumi login --local) it is organization/saif-fleet/fleet']],
        ["a model cache smaller than one profile", minimalRaw({ serving: { gpuProduct: "h100", image: "nvcr.io/nim/meta/llama-3.1-8b-instruct", cacheSize: "1Gi" } }),
            ["saif-platform:serving.cacheSize: 1Gi is below the published size of one llama-3.1-8b-instruct profile (15.04 GB); give it at least 19Gi"]],
        ["values the Applications' gates cannot name", minimalRaw({ gitops: { repoUrl: "https://github.com/example/gitops.git", clusterAppsPath: "a=b" },
            components: { "nim-llm": { targetRevision: "a b", path: "p=q" } }, extraComponents: { x: { tier: 1, path: "a=b", targetRevision: "c d" } } }), [
            'saif-platform:gitops.clusterAppsPath: "a=b" must not contain "=" (Pulumi\'s waitFor gate could not name it)',
            'saif-platform:components.nim-llm.targetRevision: "a b" must not contain white space',
            'saif-platform:components.nim-llm.path: "p=q" must not contain "=" (Pulumi\'s waitFor gate could not name it)',
            'saif-platform:extraComponents.x.targetRevision: "c d" must not contain white space',
            'saif-platform:extraComponents.x.path: "a=b" must not contain "=" (Pulumi\'s waitFor gate could not name it)']],
        ["a boolean written as other text", minimalRaw({ gpu: "yes" }), ['saif-platform:gpu: "yes" is not a boolean; use true or false']],
        ["a mapping written as text that is not JSON", minimalRaw({ gitops: "{not json" }), ['saif-platform:gitops: "{not json" is not a mapping of keys to values']],
    ];
    for (const [what, raw, lines] of cases) {
        it(what, () => assert.deepEqual(problemsOf(raw), lines));
    }
});

describe("decode: config values as the runtime passes them (pure)", () => {
    it("decodes a boolean or JSON only where the key's schema wants one; any other text stays as written", () => {
        assert.deepEqual([decode("true", z.boolean()), decode("false", z.boolean()), decode("yes", z.boolean())], [true, false, "yes"]);
        // A string key keeps "true" and "123" as text: a cluster may be named "true", a revision "123".
        assert.deepEqual([decode("true", z.string()), decode("123", z.string()), decode("{}", z.string().optional())], ["true", "123", "{}"]);
        assert.deepEqual([decode('{"a":1}', z.object({ a: z.number() })), decode('{"a":1}', z.record(z.string(), z.number())), decode("[1]", z.array(z.number()))],
            [{ a: 1 }, { a: 1 }, [1]]);
        assert.deepEqual([decode("{not json", z.object({})), decode(5, z.string()), decode(undefined, z.boolean())], ["{not json", 5, undefined]);
    });
});

describe("stack config: what each key resolves to (pure)", () => {
    it("resolves a minimal stack to the documented defaults, and the components to their catalog paths, finalizers and estimates", () => {
        const { components, serving, gpuDriver, secrets, ...rest } = parseClusterConfig(minimalRaw());
        assert.deepEqual(rest, {
            cluster: "lab", gpu: true, kubernetes: { context: "lab", kubeconfigFromSecret: false },
            gitops: { repoUrl: "https://github.com/example/gitops.git", revision: "main", clusterAppsPath: "clusters/lab", access: "public" },
            argocd: { flavor: "openshift-gitops", namespace: "openshift-gitops", channel: "gitops-1.18", approval: "Automatic", catalogSource: "redhat-operators",
                chartVersion: "9.1.0", chartRepository: "https://argoproj.github.io/argo-helm" },
            sealedSecrets: { namespace: "sealed-secrets", keySource: "stack", fleetStack: "organization/saif-fleet/fleet", rotation: ["fleet-key"] },
            rootApp: { name: "saif-apps", prune: true, selfHeal: true, finalizer: "none" },
            adoptExisting: false,
            secretDelivery: { commitSealed: false, branch: "main", githubEnvironment: false, directSecrets: false },
            certManager: { enabled: false, install: true, issuer: "selfSigned", acmeServer: "https://acme-v02.api.letsencrypt.org/directory", chartVersion: "v1.19.4", chartRepository: "https://charts.jetstack.io" },
            openshift: { version: "4.18" },
            splunk: { endpoint: "https://hec.splunk.lab.internal:8088/services/collector", metricsIndex: "saif_metrics" },
            lvms: { defaultStorageClass: false },
            disabled: [],
        });
        assert.deepEqual(serving, { image: "nvcr.io/nim/meta/llama-3.2-1b-instruct", tag: "1.12.0", gpuProduct: "h100", engine: "tensorrt_llm", tensorParallelism: "1",
            storageClass: "lvms-vg1", storageClassExists: false, cacheSize: "50Gi", gpus: 1, pullSecret: "ngc-secret" });
        assert.deepEqual(gpuDriver, { precompiled: false, repository: "registry.redhat.io/nvidia", image: "gpu-driver-rhel9", version: "580" });
        assert.deepEqual(secrets.map((s) => `${s.key} ${s.namespace}`), ["registryPullSecret openshift-gitops", "splunkHecToken splunk-otel",
            "timescapePushApiPassword hubble-timescape", "intersightApiKey intersight-otel", "intersightKeyId intersight-otel", "splunkHecToken intersight-otel", "ngcApiKey nim", "ngcApiKey nim"]);
        for (const c of components) {
            const fromCatalog = catalog.find((x) => x.name === c.name)!;
            assert.deepEqual(c.source.targetRevision, "main", c.name);
            assert.equal(c.source.path, fromCatalog.path, c.name);
            // What holds data or ships CRDs is never cascaded away with its Application.
            assert.equal(c.finalizer, fromCatalog.holdsData || fromCatalog.shipsCrds ? "none" : "foreground", c.name);
            assert.equal(c.healthTimeoutSeconds, fromCatalog.healthTimeoutSeconds, c.name);
            assert.equal(c.extra, false);
        }
        assert.deepEqual(components.filter((c) => c.finalizer === "none").map((c) => c.name),
            ["sealed-secrets-controller", "lvms-operator", "clickhouse-operator", "hubble-timescape", "nim-operator", "nim-cache"]);
        // Only the serving components carry the program's patches by default; the NIM operator's webhook is off without cert-manager.
        assert.deepEqual(components.filter((c) => c.source.kustomizePatches).map((c) => c.name), ["platform-catalogsources", "lvms-operator", "nfd-instance", "nim-cache", "nim-llm", "splunk-reporter"]);
        assert.deepEqual(components.filter((c) => c.source.helmValues).map((c) => [c.name, c.source.helmValues]),
            [["nim-operator", { "k8s-nim-operator": { operator: { admissionController: { enabled: false } } } }],
                ["splunk-otel", { "splunk-otel-collector": { clusterName: "lab", splunkPlatform: { endpoint: "https://hec.splunk.lab.internal:8088/services/collector", metricsIndex: "saif_metrics" } } }],
                ["intersight-otel", { "opentelemetry-collector": { config: {
                    processors: { "resource/cluster": { attributes: [{ key: "k8s.cluster.name", value: "lab", action: "upsert" }] } },
                    exporters: { "splunk_hec/platform": { endpoint: "https://hec.splunk.lab.internal:8088/services/collector", index: "saif_metrics" } },
                    service: { pipelines: { metrics: { processors: ["memory_limiter", "resource/cluster", "batch"] } } } } } }]]);
        assert.ok(Object.isFrozen(components[0].source) && Object.isFrozen(serving));
    });

    it("resolves every key when set: names, namespaces, revisions, mirrors, the fleet key, cert-manager, serving and the driver", () => {
        const cfg = parseClusterConfig(minimalRaw({
            gitops: { repoUrl: "https://github.com/example/gitops.git", revision: "v2", clusterAppsPath: "fleet/lab", github: { owner: "o", repository: "r" } },
            argocd: { flavor: "helm", channel: "gitops-1.16", catalogSource: "cs", chartVersion: "9.0.0", chartRepository: "https://mirror/helm" },
            mirror: { registry: "mirror.lab:5000", gitopsCatalogImage: "mirror.lab:5000/idx:v1" },
            sealedSecrets: { keySource: "stack", namespace: "kube-seal", fleetStack: "org/saif-fleet/prod", rotation: ["k1", "k2"] },
            rootApp: { prune: false, selfHeal: false, finalizer: "cascade" }, secretDelivery: { branch: "secrets" },
            certManager: { enabled: true, issuer: "acme", acmeEmail: "ops@example.com", domain: "apps.lab", acmeServer: "https://acme.example/dir", chartVersion: "v1.18.0", chartRepository: "https://mirror/jetstack" },
            serving: { gpuProduct: "a100", image: "nvcr.io/nim/meta/llama-3.1-8b-instruct", tag: "1.8.5", engine: "vllm", tensorParallelism: "2", precision: "fp16", cacheSize: "100Gi", gpus: 2, modelMirror: "s3://m", pullSecret: "nvcr" },
            gpuDriver: { precompiled: true, repository: "mirror.lab:5000/nvidia", image: "drv", version: "570" },
        }));
        assert.deepEqual(cfg.gitops, { repoUrl: "https://github.com/example/gitops.git", revision: "v2", clusterAppsPath: "fleet/lab", access: "public", github: { owner: "o", repository: "r" } });
        assert.deepEqual(cfg.argocd, { flavor: "helm", namespace: "argocd", channel: "gitops-1.16", approval: "Automatic", catalogSource: "cs", chartVersion: "9.0.0", chartRepository: "https://mirror/helm" });
        assert.deepEqual(cfg.mirror, { registry: "mirror.lab:5000", gitopsCatalogImage: "mirror.lab:5000/idx:v1" });
        assert.deepEqual(cfg.sealedSecrets, { namespace: "kube-seal", keySource: "stack", fleetStack: "org/saif-fleet/prod", rotation: ["k1", "k2"] });
        assert.deepEqual(cfg.rootApp, { name: "saif-apps", prune: false, selfHeal: false, finalizer: "cascade" });
        assert.deepEqual(cfg.secretDelivery, { commitSealed: false, branch: "secrets", githubEnvironment: false, directSecrets: false });
        assert.deepEqual(cfg.certManager, { enabled: true, install: true, issuer: "acme", acmeEmail: "ops@example.com", domain: "apps.lab", acmeServer: "https://acme.example/dir", chartVersion: "v1.18.0", chartRepository: "https://mirror/jetstack" });
        assert.deepEqual(cfg.serving, { image: "nvcr.io/nim/meta/llama-3.1-8b-instruct", tag: "1.8.5", gpuProduct: "a100", engine: "vllm", tensorParallelism: "2", precision: "fp16",
            storageClass: "lvms-vg1", storageClassExists: false, cacheSize: "100Gi", gpus: 2, modelMirror: "s3://m", pullSecret: "nvcr" });
        assert.deepEqual(cfg.gpuDriver, { precompiled: true, repository: "mirror.lab:5000/nvidia", image: "drv", version: "570" });
        const c = (name: string) => cfg.components.find((x) => x.name === name)!;
        // The fleet key's controller runs in the key's namespace; the pull-secret in Argo CD's; revisions follow gitops.revision.
        assert.equal(c("sealed-secrets-controller").namespace, "kube-seal");
        assert.equal(c("argocd-config").namespace, "argocd");
        assert.equal(cfg.secrets.find((s) => s.key === "registryPullSecret")!.namespace, "argocd");
        assert.ok(cfg.components.every((x) => x.source.targetRevision === "v2"));
        // A local model mirror: minutes; precompiled drivers: no build per node. The mirror fills the IDMS and ITMS.
        assert.deepEqual([c("nim-cache").estimateSeconds, c("gpu-cluster-policy").estimateSeconds], [180, 240]);
        assert.equal(c("platform-idms").source.kustomizePatches?.length, 2);
        assert.equal(c("gpu-cluster-policy").source.kustomizePatches?.length, 1);
        // With cert-manager the NIM operator keeps its webhook: no default values.
        assert.equal(c("nim-operator").source.helmValues, undefined);
        // A user's own Helm values win over the program's default, and its patches come after the program's.
        const own = parseClusterConfig(minimalRaw({ components: {
            "nim-operator": { helm: { values: { "k8s-nim-operator": { operator: { admissionController: { enabled: true } } } } } },
            "nim-llm": { kustomize: { patches: [{ patch: "- {op: add, path: /metadata/labels/x, value: y}", target: { kind: "NIMService" } }] }, path: "apps/nim-llm-v2", finalizer: "cascade" },
        } }));
        const ownC = (name: string) => own.components.find((x) => x.name === name)!;
        assert.deepEqual(ownC("nim-operator").source.helmValues, { "k8s-nim-operator": { operator: { admissionController: { enabled: true } } } });
        assert.equal(ownC("nim-llm").source.kustomizePatches?.length, 2);
        assert.equal(ownC("nim-llm").source.kustomizePatches?.[1].patch, "- {op: add, path: /metadata/labels/x, value: y}");
        assert.equal(ownC("nim-llm").source.path, "apps/nim-llm-v2");
        assert.equal(ownC("nim-llm").finalizer, "cascade");
        // A dependency the catalog already has is listed once; a kubeconfig secret is the cluster access.
        const again = parseClusterConfig(minimalRaw({ kubernetes: {}, kubeconfig: "k", components: { "nim-llm": { dependsOn: ["nim-cache", "tetragon"] } } }, ["kubeconfig"]));
        const deps = again.components.find((x) => x.name === "nim-llm")!.dependsOn;
        assert.deepEqual([deps.filter((d) => d === "nim-cache").length, deps.at(-1)], [1, "tetragon"]);
        assert.deepEqual(again.kubernetes, { kubeconfigFromSecret: true });
    });

    it("gives an extra component the documented defaults: tier 3 needs GPUs, a namespace is created, content from its source", () => {
        const cfg = parseClusterConfig(minimalRaw({ extraComponents: {
            chat: { tier: 3, path: "apps/chat", namespace: "chat" },
            dash: { tier: 2, path: "apps/dash", helm: { values: { a: 1 } }, wave: 4, estimateSeconds: 30, holdsData: true, syncOptions: ["ServerSideApply=true"] },
        } }));
        const chat = cfg.components.find((x) => x.name === "chat")!;
        const dash = cfg.components.find((x) => x.name === "dash")!;
        assert.deepEqual([chat.gpuOnly, chat.syncOptions, chat.content, chat.estimateSeconds, chat.healthTimeoutSeconds, chat.holdsData, chat.finalizer, chat.extra],
            [true, ["CreateNamespace=true"], "kustomize", 60, 600, false, "foreground", true]);
        assert.ok(Number.isNaN(chat.declaredWave), "no declared wave: the wave check does not judge it");
        assert.deepEqual([chat.ready, chat.deploys, chat.writes, chat.shipsCrds, chat.dependsOn], ["Application Synced and Healthy", "", [], false, []]);
        assert.deepEqual([dash.gpuOnly, dash.syncOptions, dash.content, dash.estimateSeconds, dash.declaredWave, dash.finalizer, dash.source.helmValues, dash.namespace],
            [false, ["ServerSideApply=true"], "helm", 30, 4, "none", { a: 1 }, undefined]);
        const plain = parseClusterConfig(minimalRaw({ extraComponents: { plain: { tier: 1, path: "apps/plain" } } })).components.find((x) => x.name === "plain")!;
        assert.deepEqual(plain.syncOptions, [], "no namespace of its own: no namespace to create");
        const noGpu = parseClusterConfig(minimalRaw({ gpu: false, extraComponents: { chat: { tier: 3, path: "apps/chat" }, dash: { tier: 3, path: "apps/dash", gpuOnly: false } } }));
        assert.deepEqual(noGpu.components.filter((x) => x.extra).map((x) => x.name), ["dash"]);
        assert.ok(!noGpu.disabled.some((d) => d.name === "chat"), "extras are not listed as turned off");
        assert.deepEqual(noGpu.disabled.slice(0, 1), [{ name: "sealed-secrets-gpu", why: "needs GPUs; gpu is false" }]);
    });
});

describe("stack config: every bound and pattern, at and past its edge (pure)", () => {
    const lines = (edit: Record<string, unknown>) => {
        try {
            parseClusterConfig(minimalRaw(edit));
            return [];
        } catch (e) {
            if (e instanceof ConfigProblems) return e.lines;
            throw e;
        }
    };
    const x = (tier: number, more: Record<string, unknown> = {}) => ({ extraComponents: { x: { tier, path: "apps/x", ...more } } });
    const cases: [string, Record<string, unknown>, string[]][] = [
        ["timeout 30", { components: { "nim-llm": { healthTimeoutSeconds: 30 } } }, []],
        ["timeout 29", { components: { "nim-llm": { healthTimeoutSeconds: 29 } } }, ["saif-platform:components.nim-llm.healthTimeoutSeconds: 29 is below the minimum of 30"]],
        ["timeout 86400", { components: { "nim-llm": { healthTimeoutSeconds: 86400 } } }, []],
        ["timeout 86401", { components: { "nim-llm": { healthTimeoutSeconds: 86401 } } }, ["saif-platform:components.nim-llm.healthTimeoutSeconds: 86401 is above the maximum of 86400"]],
        ["timeout 60.5", { components: { "nim-llm": { healthTimeoutSeconds: 60.5 } } }, ["saif-platform:components.nim-llm.healthTimeoutSeconds: 60.5 is not a whole number"]],
        ["tier 4", x(4), []],
        ["tier 0", x(0), ["saif-platform:extraComponents.x.tier: 0 is not one of 1, 2, 3, 4"]],
        ["tier 5", x(5), ["saif-platform:extraComponents.x.tier: 5 is not one of 1, 2, 3, 4"]],
        ["wave -100", x(1, { wave: -100 }), []],
        ["wave -101", x(1, { wave: -101 }), ["saif-platform:extraComponents.x.wave: -101 is below the minimum of -100"]],
        ["wave 100", x(1, { wave: 100 }), []],
        ["wave 101", x(1, { wave: 101 }), ["saif-platform:extraComponents.x.wave: 101 is above the maximum of 100"]],
        ["wave 1.5", x(1, { wave: 1.5 }), ["saif-platform:extraComponents.x.wave: 1.5 is not a whole number"]],
        ["est 0", x(1, { estimateSeconds: 0 }), []],
        ["est -1", x(1, { estimateSeconds: -1 }), ["saif-platform:extraComponents.x.estimateSeconds: -1 is below the minimum of 0"]],
        ["est 86400", x(1, { estimateSeconds: 86400 }), []],
        ["est 86401", x(1, { estimateSeconds: 86401 }), ["saif-platform:extraComponents.x.estimateSeconds: 86401 is above the maximum of 86400"]],
        ["ns 63", x(1, { namespace: "a".repeat(63) }), []],
        ["ns 64", x(1, { namespace: "a".repeat(64) }), ["saif-platform:extraComponents.x.namespace: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is 64 characters; Kubernetes names and label values allow 63"]],
        ["ns -a", x(1, { namespace: "-a" }), ["saif-platform:extraComponents.x.namespace: \"-a\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["ns a-", x(1, { namespace: "a-" }), ["saif-platform:extraComponents.x.namespace: \"a-\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["ns A", x(1, { namespace: "A" }), ["saif-platform:extraComponents.x.namespace: \"A\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["ns a", x(1, { namespace: "a" }), []],
        ["path empty", x(1, { path: "" }), ["saif-platform:extraComponents.x.path: must not be empty"]],
        ["syncOptions empty", x(1, { syncOptions: [""] }), ["saif-platform:extraComponents.x.syncOptions[0]: must not be empty"]],
        ["content bad", x(1, { content: "jsonnet" }), ["saif-platform:extraComponents.x.content: \"jsonnet\" is not one of \"kustomize\", \"directory\", \"helm\""]],
        ["gpus 1", { serving: { gpuProduct: "h100", gpus: 1 } }, []],
        ["gpus 0", { serving: { gpuProduct: "h100", gpus: 0 } }, ["saif-platform:serving.gpus: 0 is below the minimum of 1"]],
        ["gpus 16", { serving: { gpuProduct: "h100", gpus: 16 } }, []],
        ["gpus 17", { serving: { gpuProduct: "h100", gpus: 17 } }, ["saif-platform:serving.gpus: 17 is above the maximum of 16"]],
        ["tp 12", { serving: { gpuProduct: "h100", tensorParallelism: "12" } }, []],
        ["tp 0", { serving: { gpuProduct: "h100", tensorParallelism: "0" } }, ["saif-platform:serving.tensorParallelism: \"0\" is not a positive count written as a string, e.g. \"1\""]],
        ["tp 01", { serving: { gpuProduct: "h100", tensorParallelism: "01" } }, ["saif-platform:serving.tensorParallelism: \"01\" is not a positive count written as a string, e.g. \"1\""]],
        ["tp 1x", { serving: { gpuProduct: "h100", tensorParallelism: "1x" } }, ["saif-platform:serving.tensorParallelism: \"1x\" is not a positive count written as a string, e.g. \"1\""]],
        ["gpuProduct H100", { serving: { gpuProduct: "H100" } }, ["saif-platform:serving.gpuProduct: \"H100\" is not a GPU product as the NIM operator names it, e.g. h100; use lowercase letters, digits, \".\" and \"-\""]],
        ["gpuProduct -h", { serving: { gpuProduct: "-h" } }, ["saif-platform:serving.gpuProduct: \"-h\" is not a GPU product as the NIM operator names it, e.g. h100; use lowercase letters, digits, \".\" and \"-\""]],
        ["gpuProduct h100.sxm-80gb", { serving: { gpuProduct: "h100.sxm-80gb" } }, []],
        ["mirror http", { serving: { gpuProduct: "h100", modelMirror: "http://m/x" } }, []],
        ["mirror https", { serving: { gpuProduct: "h100", modelMirror: "https://m/x" } }, []],
        ["mirror ftp", { serving: { gpuProduct: "h100", modelMirror: "ftp://m/x" } }, ["saif-platform:serving.modelMirror: \"ftp://m/x\" is not an s3://, https:// or http:// URL of the model repository"]],
        ["mirror s3 empty", { serving: { gpuProduct: "h100", modelMirror: "s3://" } }, ["saif-platform:serving.modelMirror: \"s3://\" is not an s3://, https:// or http:// URL of the model repository"]],
        ["mirror space", { serving: { gpuProduct: "h100", modelMirror: "s3://a b" } }, ["saif-platform:serving.modelMirror: \"s3://a b\" is not an s3://, https:// or http:// URL of the model repository"]],
        ["mirror xs3", { serving: { gpuProduct: "h100", modelMirror: "xs3://a" } }, ["saif-platform:serving.modelMirror: \"xs3://a\" is not an s3://, https:// or http:// URL of the model repository"]],
        ["cache 1.5Ti", { serving: { gpuProduct: "h100", cacheSize: "1.5Ti" } }, []],
        ["cache 50", { serving: { gpuProduct: "h100", cacheSize: "50" } }, []],
        ["cache 50Gb", { serving: { gpuProduct: "h100", cacheSize: "50Gb" } }, ["saif-platform:serving.cacheSize: \"50Gb\" is not a Kubernetes quantity, e.g. 50Gi"]],
        ["cache x50Gi", { serving: { gpuProduct: "h100", cacheSize: "x50Gi" } }, ["saif-platform:serving.cacheSize: \"x50Gi\" is not a Kubernetes quantity, e.g. 50Gi"]],
        ["profile 63", { serving: { profiles: ["a".repeat(63)] } }, ["saif-platform:serving.profiles[0]: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a NIM profile ID; use the 64-hex ID the model's list-model-profiles shows"]],
        ["profile 65", { serving: { profiles: ["a".repeat(65)] } }, ["saif-platform:serving.profiles[0]: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a NIM profile ID; use the 64-hex ID the model's list-model-profiles shows"]],
        ["profiles []", { serving: { profiles: [] } }, ["saif-platform:serving.profiles: [] is below the minimum of 1"]],
        ["profile x+64", { serving: { profiles: ["x" + "a".repeat(64)] } }, ["saif-platform:serving.profiles[0]: \"xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a NIM profile ID; use the 64-hex ID the model's list-model-profiles shows"]],
        ["engine sglang", { serving: { gpuProduct: "h100", engine: "sglang" } }, []],
        ["precision mxfp4", { serving: { gpuProduct: "h100", precision: "mxfp4" } }, []],
        ["precision fp4", { serving: { gpuProduct: "h100", precision: "fp4" } }, ["saif-platform:serving.precision: \"fp4\" is not one of \"fp8\", \"fp16\", \"bf16\", \"int4_awq\", \"nvfp4\", \"mxfp4\""]],
        ["pullSecret Bad", { serving: { gpuProduct: "h100", pullSecret: "Bad" } }, ["saif-platform:serving.pullSecret: \"Bad\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["domain ok", { certManager: { domain: "apps.lab.example" } }, []],
        ["domain bad", { certManager: { domain: "Apps" } }, ["saif-platform:certManager.domain: \"Apps\" is not a DNS name; use lowercase letters, digits, \".\" and \"-\", starting and ending with a letter or digit"]],
        ["domain -a", { certManager: { domain: "-a.b" } }, ["saif-platform:certManager.domain: \"-a.b\" is not a DNS name; use lowercase letters, digits, \".\" and \"-\", starting and ending with a letter or digit"]],
        ["domain a.", { certManager: { domain: "a." } }, ["saif-platform:certManager.domain: \"a.\" is not a DNS name; use lowercase letters, digits, \".\" and \"-\", starting and ending with a letter or digit"]],
        ["email bad", { certManager: { acmeEmail: "ops" } }, ["saif-platform:certManager.acmeEmail: \"ops\" is not a valid email"]],
        ["acmeServer bad", { certManager: { acmeServer: "not a url" } }, ["saif-platform:certManager.acmeServer: \"not a url\" is not a valid url"]],
        ["chartRepository bad", { argocd: { chartRepository: "nope" } }, ["saif-platform:argocd.chartRepository: \"nope\" is not a valid url"]],
        ["cm chartRepository bad", { certManager: { chartRepository: "nope" } }, ["saif-platform:certManager.chartRepository: \"nope\" is not a valid url"]],
        ["catalogSource bad", { argocd: { catalogSource: "Red Hat" } }, ["saif-platform:argocd.catalogSource: \"Red Hat\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["argocd ns bad", { argocd: { namespace: "Argo" } }, ["saif-platform:argocd.namespace: \"Argo\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["sealed ns bad", { sealedSecrets: { namespace: "Seal" } }, ["saif-platform:sealedSecrets.namespace: \"Seal\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["rotation []", { sealedSecrets: { rotation: [] } }, ["saif-platform:sealedSecrets.rotation: [] is below the minimum of 1"]],
        ["rotation bad", { sealedSecrets: { rotation: ["Key"] } }, ["saif-platform:sealedSecrets.rotation[0]: \"Key\" is not a DNS label; use lowercase letters, digits and \"-\""]],
        ["access bad", { gitops: { repoUrl: "https://github.com/example/gitops.git", access: "ssh" } }, ["saif-platform:gitops.access: \"ssh\" is not one of \"public\", \"deployKey\", \"token\""]],
        ["github no owner", { gitops: { repoUrl: "https://github.com/example/gitops.git", github: { repository: "r" } } }, ["saif-platform:gitops.github.owner: is required; set it in Pulumi.<stack>.yaml"]],
        ["empty context", { kubernetes: { context: "" } }, ["saif-platform:kubernetes.context: must not be empty"]],
        ["mirror registry empty", { mirror: { registry: "", gitopsCatalogImage: "x" } }, ["saif-platform:mirror.registry: must not be empty"]],
        ["keySource bad", { sealedSecrets: { keySource: "vault" } }, ["saif-platform:sealedSecrets.keySource: \"vault\" is not one of \"config\", \"stack\""]],
        ["rootApp finalizer bad", { rootApp: { finalizer: "later" } }, ["saif-platform:rootApp.finalizer: \"later\" is not one of \"none\", \"cascade\", \"foreground\""]],
        ["approval bad", { argocd: { approval: "Auto" } }, ["saif-platform:argocd.approval: \"Auto\" is not one of \"Automatic\", \"Manual\""]],
        ["issuer bad", { certManager: { issuer: "vault" } }, ["saif-platform:certManager.issuer: \"vault\" is not one of \"selfSigned\", \"acme\""]],
        ["patch target extra", { components: { "nim-llm": { kustomize: { patches: [{ patch: "kind: X", target: { kind: "X", bogus: 1 } }] } } } }, ["saif-platform:components.nim-llm.kustomize.patches[0].target.bogus: unknown key \"bogus\"; valid keys are \"group\", \"version\", \"kind\", \"name\", \"namespace\", \"labelSelector\", \"annotationSelector\""]],
        ["patch options non-bool", { components: { "nim-llm": { kustomize: { patches: [{ patch: "kind: X", options: { allowNameChange: "yes" } }] } } } }, ["saif-platform:components.nim-llm.kustomize.patches[0].options.allowNameChange: \"yes\" is not a boolean; use true or false"]],
        ["helm values not mapping", { components: { "nim-operator": { helm: { values: [1] } } } }, ["saif-platform:components.nim-operator.helm.values: [1] is not a mapping of keys to values"]],
        ["extra key bad name", { extraComponents: { "Bad_Name": { tier: 1, path: "apps/b" } } }, ["saif-platform:extraComponents.Bad_Name: \"Bad_Name\" is not a valid name; use a DNS label (lowercase letters, digits and \"-\")"]],
        ["cluster 63", { cluster: "a".repeat(63) }, []],
        ["cluster 64", { cluster: "a".repeat(64) }, ["saif-platform:cluster: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is 64 characters; Kubernetes names and label values allow 63"]],
    ];
    for (const [title, edit, expected] of cases) {
        it(`${title}: ${expected.length === 0 ? "accepted" : "one line naming the key"}`, () => assert.deepEqual(lines(edit), expected));
    }
});

describe("formatIssues and keyPath: zod's issues as one line each (pure)", () => {
    const f = (schema: z.ZodType, v: unknown) => formatIssues("k", schema, schema.safeParse(v, { reportInput: true }).error!.issues);
    it("names the key path, the value as written and the fix, for every kind of issue", () => {
        assert.deepEqual(f(z.union([z.string(), z.number()]), true), ["k: true is not valid here; see the config reference in docs/reference.md"]);
        assert.deepEqual(f(z.record(z.string().regex(/^a$/), z.number()), { b: 1 }), ['k.b: "b" is not a valid name; use a DNS label']);
        assert.deepEqual(f(z.number().multipleOf(2), 3), ["k: Invalid number: must be a multiple of 2"], "anything else: zod's own words");
        assert.deepEqual(f(z.string().max(3), "abcd"), ['k: "abcd" is 4 characters; Kubernetes names and label values allow 3']);
        assert.deepEqual(f(z.array(z.number()).max(1), [1, 2]), ["k: [1,2] is above the maximum of 1"]);
        assert.deepEqual(f(z.strictObject({ alpha: z.string().optional(), beta: z.string().optional() }).optional(), { alpah: "x", zzz: 1 }),
            ['k.alpah: unknown key "alpah"; did you mean "alpha"?', 'k.zzz: unknown key "zzz"; valid keys are "alpha", "beta"']);
        // The valid keys of the object where the unknown one is: nested, in a list, in a mapping.
        assert.deepEqual(f(z.strictObject({ inner: z.strictObject({ one: z.string().optional() }).optional() }), { inner: { two: 1 } }), ['k.inner.two: unknown key "two"; valid keys are "one"']);
        assert.deepEqual(f(z.strictObject({ list: z.array(z.strictObject({ one: z.string().optional() })) }), { list: [{ one: "x" }, { tow: 1 }] }), ['k.list[1].tow: unknown key "tow"; valid keys are "one"']);
        assert.deepEqual(f(z.strictObject({ m: z.record(z.string(), z.strictObject({ one: z.string().optional() })) }), { m: { a: { on: 1 } } }), ['k.m.a.on: unknown key "on"; did you mean "one"?']);
        // Through zod's other wrappers (a default, a nullable), as through optional.
        assert.deepEqual(f(z.strictObject({ d: z.strictObject({ one: z.string().optional() }).nullable().default({}) }), { d: { zz: 1 } }), ['k.d.zz: unknown key "zz"; valid keys are "one"']);
        // Where the object's keys cannot be named (an option of a discriminated union), the line points to the reference instead of listing none.
        const u = z.discriminatedUnion("type", [z.strictObject({ type: z.literal("a"), one: z.string() }), z.strictObject({ type: z.literal("b") })]);
        assert.deepEqual(f(z.strictObject({ u }), { u: { type: "a", one: "x", zz: 1 } }), ['k.u.zz: unknown key "zz"; see the config reference in docs/reference.md for the valid keys']);
        assert.deepEqual([f(z.url(), "x"), f(z.email(), "x"), f(z.string(), undefined), f(z.boolean(), "yes"), f(z.number(), "1"), f(z.string(), 1),
            f(z.array(z.string()), {}), f(z.record(z.string(), z.string()), 1), f(z.bigint(), 1)].map((l) => l[0]), [
            'k: "x" is not a valid url', 'k: "x" is not a valid email', "k: is required; set it in Pulumi.<stack>.yaml", 'k: "yes" is not a boolean; use true or false',
            'k: "1" is not a number', "k: 1 is not a string", "k: {} is not a list", "k: 1 is not a mapping of keys to values", "k: 1 is not bigint",
        ]);
    });

    it("writes a path as the YAML it points into: dotted names, [index], quoted names that are not plain words", () => {
        assert.equal(keyPath("k", ["a", 0, "b.c", "d-e", "x y", "f_g"]), 'k.a[0]["b.c"].d-e["x y"].f_g');
    });
});
