import { strict as assert } from "node:assert";
import type { Recording, Registration } from "../cli/mockrun";
import { controllerMayWrite, componentWrites, managedNamespaces, PolicyRule } from "../lib/rights";
import { namespacePlan } from "../lib/namespaces";
import { parseClusterConfig } from "../stacks/parse";
import type { ClusterConfig } from "../stacks/types";
import { checkPolicies } from "../cli/policy";
import { root as repo, stackRaw, seedTable } from "./helpers";
import { makeKeyPair } from "./keys";
import { applications, byUrn, find, plain, runStack } from "./mocks";

const tokens = { githubToken: "t", ngcApiKey: "a", splunkHecToken: "c", timescapePushApiPassword: "d", intersightApiKey: "e", intersightKeyId: "k", registryPullSecret: '{"auths":{"mirror.lab":{"auth":"dXNlcjpwYXNz"}}}' };
// A real fleet key pair, so that commitSealed can seal (the mock fleet stack hands it out).
const pair = makeKeyPair();
const withKey = { ...tokens, sealingKey: pair.privateKeyPem, sealingCert: pair.certPem };
const github = { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", github: { owner: "saif-ai-pod", repository: "saif-gitops" } };

/** (apiVersion, kind, namespace, name) of every Kubernetes object a run registers, Patch resources included. */
function objectKeys(rec: Recording): string[] {
    return rec.registrations
        .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh"))
        .map((r) => {
            const o = plain(r) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
            return `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? "-"}/${o.metadata.name}`;
        });
}

describe("real path: one owner per Kubernetes object", () => {
    it("registers no (apiVersion, kind, namespace, name) twice, and breaks no policy, for every bootstrap and delivery combination", async function () {
        this.timeout(120_000);
        const flavors = [{ flavor: "openshift-gitops" }, { flavor: "helm" }, { flavor: "existing", namespace: "openshift-gitops" }, { flavor: "openshift-gitops", namespace: "gitops" }];
        const deliveries = [{}, { directSecrets: true }, { commitSealed: true }, { githubEnvironment: true }, { commitSealed: true, githubEnvironment: true }, { directSecrets: true, githubEnvironment: true }];
        let runs = 0;
        for (const argocd of flavors) {
            for (const certManager of [{ enabled: false }, { enabled: true }]) {
                for (const secretDelivery of deliveries) {
                    // ai-pod-1 runs every component, so every namespace a component brings is in play.
                    for (const stack of ["ai-pod-1"]) {
                        const rec = await runStack(stack, { argocd, certManager, secretDelivery, gitops: github }, withKey);
                        const label = `${stack} ${JSON.stringify({ argocd, certManager, secretDelivery })}`;
                        assert.equal(rec.error, undefined, label);
                        const keys = objectKeys(rec);
                        const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
                        assert.deepEqual(twice, [], label);
                        // And every combination keeps the policy pack's invariants (policy/).
                        assert.deepEqual(checkPolicies(repo, rec).failures, [], label);
                        runs++;
                    }
                }
            }
        }
        assert.equal(runs, 48);
    });

    it("creates only the namespaces nobody else makes, and patches the rest", () => {
        const raw = stackRaw("ai-pod-1", { certManager: { enabled: true }, secretDelivery: { directSecrets: true }, ...tokens });
        const config = parseClusterConfig({ ...raw, secretKeys: new Set(Object.keys(tokens).map((k) => `saif-platform:${k}`)) });
        const modes = Object.fromEntries(namespacePlan(config).map((e) => [e.name, e.mode]));
        assert.deepEqual(modes, {
            "openshift-gitops-operator": "create", "openshift-gitops": "patch", "sealed-secrets": "patch", "splunk-otel": "patch",
            "hubble-timescape": "patch", "intersight-otel": "patch", "cert-manager": "patch", nim: "patch",
        });
        const helm = parseClusterConfig(stackRaw("ai-pod-1", { argocd: { flavor: "helm" }, certManager: { enabled: true } }));
        // The helm release alone makes its namespace: a create (no certificate of the program goes there any more).
        assert.equal(namespacePlan(helm).find((e) => e.name === "argocd")!.mode, "create");
        assert.equal(namespacePlan(parseClusterConfig(stackRaw("ai-pod-1", { argocd: { flavor: "helm" } }))).find((e) => e.name === "argocd")!.mode, "create");
    });
});

/** The rules of the ClusterRole the program registers for the controller. */
function registeredRules(rec: Recording): PolicyRule[] {
    const role = find(rec, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "argocd-platform-role")[0];
    return (plain(role) as { rules: PolicyRule[] }).rules;
}

describe("real path: the rights each component needs, and every namespace before it is written", () => {
    const recs = new Map<string, { rec: Recording; config: ClusterConfig }>();
    before(async () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) recs.set(stack, { rec: await runStack(stack), config: parseClusterConfig(stackRaw(stack)) });
    });

    it("lets the AppProject and the controller write every kind each component writes, where it writes it", () => {
        for (const [stack, { rec, config }] of recs) {
            const project = plain(find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject", "saif-platform")[0]);
            const destinations = new Set((project.spec.destinations as { namespace: string }[]).map((d) => d.namespace));
            const whitelist = project.spec.clusterResourceWhitelist as { group: string; kind: string }[];
            const rules = registeredRules(rec);
            const managed = managedNamespaces(config, namespacePlan(config));
            // The labels really rendered: the Applications' managedNamespaceMetadata and the registry's namespaces.
            for (const app of applications(rec).values()) {
                const o = plain(app);
                const label = o.spec.syncPolicy.managedNamespaceMetadata?.labels?.["argocd.argoproj.io/managed-by"] as string | undefined;
                if (label) assert.equal(label, "openshift-gitops");
            }
            const writes = componentWrites(config);
            assert.ok(writes.length > 60, `${stack}: ${writes.length} writes`);
            for (const w of writes) {
                const what = `${stack} ${w.component} ${w.kind.group}/${w.kind.kind} in ${w.namespace ?? "(cluster)"}`;
                if (w.kind.namespaced) assert.ok(destinations.has(w.namespace!), `${what}: not an AppProject destination`);
                else assert.ok(whitelist.some((x) => x.group === w.kind.group && x.kind === w.kind.kind), `${what}: not whitelisted`);
                assert.ok(controllerMayWrite(w.kind, w.namespace, managed, rules), `${what}: the controller may not write it`);
            }
        }
    });

    it("grants nothing the operator's cluster-config role already gives", () => {
        const rules = registeredRules(recs.get("ai-pod-1")!.rec);
        const groups = rules.flatMap((r) => r.apiGroups);
        for (const g of ["operators.coreos.com", "config.openshift.io", "rbac.authorization.k8s.io", "storage.k8s.io"]) assert.ok(!groups.includes(g), g);
        assert.deepEqual(groups, [...groups].sort(), "one rule per group, sorted");
        // Without GPUs, nothing of the GPU stack.
        const noGpu = registeredRules(recs.get("ai-pod-3")!.rec).flatMap((r) => r.apiGroups);
        for (const g of ["nvidia.com", "apps.nvidia.com", "nfd.openshift.io"]) assert.ok(!noGpu.includes(g), g);
    });

    it("has every namespace a component writes to made before it syncs: by itself, the bootstrap or a component upstream", () => {
        // Namespaces OpenShift or Day 1 make (the Cilium CNI is a precondition of cilium-config).
        const preexisting = new Set(["openshift-config", "openshift-marketplace", "cilium"]);
        for (const [stack, { rec, config }] of recs) {
            const apps = applications(rec);
            const urns = byUrn(rec);
            const registry = new Set(rec.registrations.filter((r) => urns.get(r.parent)?.type === "saif:bootstrap:Namespaces").map((r) => plain(r).metadata.name as string));
            const creates = (name: string): string | undefined => {
                const o = plain(apps.get(name)!);
                return (o.spec.syncPolicy.syncOptions ?? []).includes("CreateNamespace=true") ? o.spec.destination.namespace as string : undefined;
            };
            const upstream = (r: Registration, seen = new Set<string>()): Set<string> => {
                for (const u of r.dependencies) {
                    const d = urns.get(u)!;
                    if (apps.get(d.name)?.urn === u && !seen.has(d.name)) {
                        seen.add(d.name);
                        upstream(d, seen);
                    }
                }
                return seen;
            };
            for (const w of componentWrites(config)) {
                if (!w.namespace || preexisting.has(w.namespace)) continue;
                const app = apps.get(w.component)!;
                const ok = creates(w.component) === w.namespace || (registry.has(w.namespace) && app.dependencies.some((u) => urns.get(u)?.name === `ns-${w.namespace}`))
                    || [...upstream(app)].some((d) => creates(d) === w.namespace);
                assert.ok(ok, `${stack}: ${w.component} writes ${w.kind.kind} into ${w.namespace}, which nothing makes before it`);
            }
        }
    });
});

describe("real path: saif-apps and Pulumi never both own an Application", () => {
    it("saif-apps skips every file named after a Pulumi-owned Application, under a project that allows only Applications", async () => {
        const rec = await runStack("ai-pod-1");
        const root = plain(find(rec, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0]);
        const exclude = root.spec.source.directory.exclude as string;
        for (const name of ["nim-llm", "argocd-config", "splunk-reporter"]) {
            for (const ext of ["yaml", "yml", "json"]) assert.ok(exclude.includes(`${name}.${ext}`), `${name}.${ext}`);
        }
        assert.match(exclude, /^\{[^{}]+\}$/, "one brace glob, as directory.exclude takes it");
        assert.equal(root.spec.source.directory.recurse, false);
        assert.equal(root.spec.project, "saif-root");
        assert.deepEqual(root.spec.syncPolicy.automated, { prune: true, selfHeal: true });
        assert.match(root.metadata.annotations["pulumi.com/waitFor"], /comparedTo\.source\.path}=clusters\/ai-pod-1/);
        const project = plain(find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject", "saif-root")[0]);
        assert.deepEqual(project.spec.namespaceResourceWhitelist, [{ group: "argoproj.io", kind: "Application" }]);
        assert.deepEqual(project.spec.clusterResourceWhitelist, []);
        assert.deepEqual(project.spec.destinations, [{ server: "https://kubernetes.default.svc", namespace: "openshift-gitops" }]);
        assert.ok(!(plain(find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject", "saif-platform")[0]).spec.clusterResourceWhitelist as { kind: string }[]).some((k) => k.kind === "Application"));
    });

    it("adopts a cluster the seed built: the seed's Applications imported first, the others created, then saif-apps with auto-sync, prune and self-heal false; key and namespaces imported or patched, conflicts forced for that run", async () => {
        const rec = await runStack("ai-pod-1", { adoptExisting: true, argocd: { flavor: "existing", namespace: "openshift-gitops" },
            extraComponents: { chat: { tier: 4, path: "apps/chat", namespace: "chat" } } });
        assert.equal(rec.error, undefined);
        // Adoption keeps the policy pack's invariants too (the root's automated block written out, imports, patchForce).
        assert.deepEqual(checkPolicies(repo, rec).failures, []);
        const rootReg = find(rec, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0];
        const root = plain(rootReg);
        assert.equal(rootReg.importId, "openshift-gitops/saif-apps");
        // Written out, not omitted: under server-side apply the seed's own automated block would survive an omission.
        assert.deepEqual(root.spec.syncPolicy.automated, { enabled: false, prune: false, selfHeal: false });
        assert.equal(root.metadata.annotations["pulumi.com/patchForce"], "true");
        const seed = new Set(seedTable().map((r) => r.name));
        const imported: string[] = [];
        for (const app of applications(rec).values()) {
            const o = plain(app);
            if (seed.has(app.name)) {
                imported.push(app.name);
                assert.equal(app.importId, `openshift-gitops/${app.name}`);
                // The import is followed by a server-side apply in the same run (CLI >= 3.174): it takes over Argo CD's fields.
                assert.equal(o.metadata.annotations["pulumi.com/patchForce"], "true", app.name);
            } else {
                // Never the seed's (the catalog's nim-cache, an extra component): an import would fail, so it is created.
                assert.equal(app.importId, "", app.name);
                assert.equal(o.metadata.annotations["pulumi.com/patchForce"], undefined, app.name);
            }
            assert.equal(o.metadata.annotations["argocd.argoproj.io/sync-wave"], undefined, "no field to fight over");
            // Prune=false and IgnoreExtraneous are on every child before saif-apps stops rendering its file.
            assert.ok(rootReg.dependencies.includes(app.urn), `saif-apps after ${app.name}`);
            assert.ok(!app.dependencies.includes(rootReg.urn), `${app.name} does not wait for saif-apps`);
        }
        assert.equal(imported.length, 23, "the seed's 23 Applications");
        // Each is read first (the finalizer and multi-source checks), and the Application waits for that read.
        const reads = rec.registrations.filter((r) => r.kind === "read" && r.type === "kubernetes:argoproj.io/v1alpha1:Application");
        assert.deepEqual(reads.map((r) => r.importId).sort(), imported.map((n) => `openshift-gitops/${n}`).sort());
        assert.ok(!imported.includes("nim-cache") && !imported.includes("chat"));
        const key = find(rec, "kubernetes:core/v1:Secret", "sealed-secrets-key-fleet-key")[0];
        assert.equal(key.importId, "sealed-secrets/sealed-secrets-key-fleet-key");
        assert.ok(key.protect);
        assert.deepEqual(find(rec, "kubernetes:core/v1:Namespace"), [], "no namespace is created on an adopted cluster");
        assert.ok(find(rec, "kubernetes:core/v1:NamespacePatch").length >= 4);
        // Once adopted (adoptExisting back to false): no force, saif-apps prunes and heals again.
        const after = await runStack("ai-pod-1", { argocd: { flavor: "existing", namespace: "openshift-gitops" } });
        assert.deepEqual(plain(find(after, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0]).spec.syncPolicy.automated, { prune: true, selfHeal: true });
        for (const app of applications(after).values()) assert.equal(app.importId, "");
    });

    it("refuses to adopt a seed Application it cannot fix: a cascade finalizer on a component that holds data, or several sources, one line each with the command", async () => {
        const type = "kubernetes:argoproj.io/v1alpha1:Application";
        const refused = await runStack("ai-pod-1", { adoptExisting: true, argocd: { flavor: "existing", namespace: "openshift-gitops" } }, {}, {
            liveObjects: {
                [`${type} openshift-gitops/lvms-operator`]: { metadata: { name: "lvms-operator", finalizers: ["resources-finalizer.argocd.argoproj.io"] }, spec: { source: {} } },
                [`${type} openshift-gitops/platform-idms`]: { metadata: { name: "platform-idms" }, spec: { sources: [{}, {}] } },
            },
        });
        assert.ok(refused.error, "the run stops");
        const lines = refused.error.split("\n");
        assert.ok(lines.some((l) => /^openshift-gitops\/lvms-operator: the seed's resources-finalizer\.argocd\.argoproj\.io would cascade .*oc -n openshift-gitops patch application lvms-operator --type json/.test(l)), refused.error);
        assert.ok(lines.some((l) => /^openshift-gitops\/platform-idms: has several sources/.test(l)), refused.error);
        assert.ok(!/\n\s+at /.test(refused.error), "no stack trace");
        // The same seed objects without those: adopted.
        const fine = await runStack("ai-pod-1", { adoptExisting: true, argocd: { flavor: "existing", namespace: "openshift-gitops" } }, {}, {
            liveObjects: { [`${type} openshift-gitops/lvms-operator`]: { metadata: { name: "lvms-operator" }, spec: { source: {} } } },
        });
        assert.equal(fine.error, undefined);
    });
});
