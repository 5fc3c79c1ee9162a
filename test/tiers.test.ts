import { strict as assert } from "node:assert";
import type { Recording } from "../cli/mockrun";
import { crdErrors } from "./crd";
import { catalog } from "../components/catalog";
import { sourceFingerprint } from "../lib/gates";
import { expectedDependencies, seedTable } from "./helpers";
import { applications, byUrn, find, plain, runStack } from "./mocks";

/**
 * The resources every Application waits for: the AppProject, the Argo CD instance and the controller's rights, the
 * fleet key, and every namespace of the registry. Not saif-apps: its health rolls up users' Applications.
 */
function bootstrapUrns(rec: Recording): string[] {
    const urns = byUrn(rec);
    return rec.registrations.filter((r) => (r.type === "kubernetes:argoproj.io/v1alpha1:AppProject" && r.name === "saif-platform")
        || (r.type === "kubernetes:argoproj.io/v1beta1:ArgoCD" && r.name === "argocd-instance")
        || (r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" && r.name === "argocd-platform-binding")
        || urns.get(r.parent)?.type === "saif:bootstrap:SealedSecretsKey"
        || urns.get(r.parent)?.type === "saif:bootstrap:Namespaces").map((r) => r.urn).sort();
}

describe("tiers: whole stacks under Pulumi mocks", () => {
    const recs = new Map<string, Recording>();
    before(async () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) recs.set(stack, await runStack(stack));
    });

    it("registers exactly the seed's Applications and nim-cache: 24, 24 and 16 (no Tier 3 on ai-pod-3)", () => {
        const seed = seedTable();
        const expected = {
            "ai-pod-1": [...seed.map((s) => s.name), "nim-cache"],
            "ai-pod-2": [...seed.map((s) => s.name), "nim-cache"],
            "ai-pod-3": seed.filter((s) => s.tier !== 3).map((s) => s.name),
        };
        for (const [stack, names] of Object.entries(expected)) {
            const rec = recs.get(stack)!;
            assert.equal(rec.error, undefined);
            assert.deepEqual([...applications(rec).keys()].sort(), [...names].sort(), stack);
        }
        assert.equal(applications(recs.get("ai-pod-3")!).size, 16);
    });

    it("gives each Application dependsOn exactly its dependencies' Applications plus the bootstrap", () => {
        for (const [stack, rec] of recs) {
            const apps = applications(rec);
            const urns = byUrn(rec);
            const bootstrap = bootstrapUrns(rec);
            assert.ok(bootstrap.length >= 4, `${stack}: AppProject, saif-apps and the namespaces`);
            for (const s of seedTable()) {
                const app = apps.get(s.name);
                if (!app) continue;
                const deps = app.dependencies.map((u) => urns.get(u)!);
                const appDeps = deps.filter((d) => apps.has(d.name) && d.parent.includes("Tier")).map((d) => d.name);
                assert.deepEqual(appDeps.sort(), expectedDependencies(s), `${stack} ${s.name}`);
                const others = app.dependencies.filter((u) => !appDeps.some((n) => apps.get(n)!.urn === u));
                assert.deepEqual(others.sort(), bootstrap, `${stack} ${s.name}: only the bootstrap besides`);
            }
        }
    });

    it("gates every Application on a comparison of the source just written, then Synced + Healthy, with its own timeout", () => {
        for (const rec of recs.values()) {
            for (const app of applications(rec).values()) {
                const obj = plain(app);
                const gate = JSON.parse(obj.metadata.annotations["pulumi.com/waitFor"]) as string[];
                const src = obj.spec.source;
                assert.deepEqual(gate, [
                    `jsonpath={.status.sync.comparedTo.source.repoURL}=${src.repoURL}`,
                    `jsonpath={.status.sync.comparedTo.source.targetRevision}=${src.targetRevision}`,
                    `jsonpath={.status.sync.comparedTo.source.path}=${src.path}`,
                    `jsonpath={.status.sync.comparedTo.ignoreDifferences[0].name}=${sourceFingerprint(src)}`,
                    "jsonpath={.status.sync.status}=Synced",
                    "jsonpath={.status.health.status}=Healthy",
                ], app.name);
                // The fingerprint rides in the first ignoreDifferences rule, which Argo CD echoes into comparedTo.
                assert.deepEqual(obj.spec.ignoreDifferences[0], { group: "saif.io", kind: "SourceFingerprint", name: sourceFingerprint(src), jsonPointers: ["/saif-fingerprint"] });
                assert.equal(obj.metadata.annotations["pulumi.com/skipAwait"], undefined);
                // customTimeouts win over the annotation (pulumi-kubernetes overrides.go TimeoutDuration): only they are set.
                assert.equal(obj.metadata.annotations["pulumi.com/timeoutSeconds"], undefined);
                const c = catalog.find((x) => x.name === app.name)!;
                assert.equal(app.customTimeouts.create, `${c.healthTimeoutSeconds}s`, app.name);
                assert.equal(app.customTimeouts.update, `${c.healthTimeoutSeconds}s`, app.name);
            }
        }
    });

    it("binds the gate to the spec: a revision, a path, Helm values or a Kustomize patch changes it; nothing else does", async () => {
        const base = applications(recs.get("ai-pod-1")!);
        const gateOf = (r: Recording, name: string) => plain(applications(r).get(name)!).metadata.annotations["pulumi.com/waitFor"] as string;
        const edited = await runStack("ai-pod-1", {
            components: {
                "nim-llm": { targetRevision: "nim-llm-v2" },
                "splunk-otel": { helm: { values: { clusterName: "ai-pod-1" } } },
                "hubble-timescape": { helm: { values: { "hubble-timescape": { ui: { service: { loadBalancerIP: "10.0.1.81" } } } } } },
                "splunk-reporter": { kustomize: { patches: [{ target: { kind: "CronJob", name: "splunk-reporter" }, patch: "- op: replace\n  path: /spec/schedule\n  value: '*/5 * * * *'\n" }] } },
                "intersight-otel": { healthTimeoutSeconds: 1200 },
            },
        });
        for (const name of ["nim-llm", "splunk-otel", "hubble-timescape", "splunk-reporter"]) {
            assert.notEqual(gateOf(edited, name), plain(base.get(name)!).metadata.annotations["pulumi.com/waitFor"], `${name}: the gate follows the spec`);
        }
        assert.match(gateOf(edited, "nim-llm"), /targetRevision}=nim-llm-v2/);
        for (const name of ["intersight-otel", "cilium-config", "argocd-config"]) {
            assert.equal(gateOf(edited, name), plain(base.get(name)!).metadata.annotations["pulumi.com/waitFor"], `${name}: unchanged spec, unchanged gate`);
        }
        // A commit pin is bound to exactly that commit.
        const sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        const pinned = await runStack("ai-pod-1", { components: { "nim-llm": { targetRevision: sha } } });
        assert.ok((JSON.parse(gateOf(pinned, "nim-llm")) as string[]).includes(`jsonpath={.status.sync.revision}=${sha}`));
    });

    it("puts no sync-wave on Applications no parent syncs; the derived wave is in the plan and the exports", () => {
        for (const rec of recs.values()) {
            const apps = applications(rec);
            const urns = byUrn(rec);
            const wave = new Map<string, number>();
            const waveOf = (name: string): number => {
                if (wave.has(name)) return wave.get(name)!;
                const deps = apps.get(name)!.dependencies.map((u) => urns.get(u)!).filter((d) => apps.get(d.name)?.urn === d.urn);
                const w = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => waveOf(d.name)));
                wave.set(name, w);
                return w;
            };
            const outputs = rec.outputs as { components: Record<string, { wave: number }> };
            for (const [name, app] of apps) {
                assert.equal(plain(app).metadata.annotations["argocd.argoproj.io/sync-wave"], undefined, name);
                assert.equal(outputs.components[name].wave, waveOf(name), name);
            }
        }
    });

    it("renders Applications and the AppProject that validate strictly against the real Argo CD CRDs", () => {
        for (const rec of recs.values()) {
            for (const app of find(rec, "kubernetes:argoproj.io/v1alpha1:Application")) {
                const obj = plain(app);
                assert.deepEqual(crdErrors("argocd-application-crd-v3.5.1.yaml", "v1alpha1", obj), [], app.name);
            }
            for (const p of find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject")) {
                assert.deepEqual(crdErrors("argocd-appproject-crd.yaml", "v1alpha1", plain(p)), []);
            }
        }
    });

    it("strict CRD validation catches a misspelt field", () => {
        const app = plain(applications(recs.get("ai-pod-1")!).get("nim-llm")!);
        app.spec.syncPolicy.automated.selfheal = true;
        assert.ok(crdErrors("argocd-application-crd-v3.5.1.yaml", "v1alpha1", app).some((e) => e.includes("selfheal")));
    });

    it("carries labels, project, source and sync policy on each Application", () => {
        const rec = recs.get("ai-pod-1")!;
        const app = plain(applications(rec).get("hubble-timescape")!);
        assert.equal(app.metadata.name, "hubble-timescape");
        assert.equal(app.metadata.namespace, "openshift-gitops");
        assert.equal(app.metadata.labels["saif.io/tier"], "2");
        assert.equal(app.metadata.labels["saif.io/component"], "hubble-timescape");
        assert.equal(app.spec.project, "saif-platform");
        assert.equal(app.spec.source.path, "apps/hubble-timescape");
        assert.equal(app.spec.source.helm.valuesObject["hubble-timescape"].ui.service.loadBalancerIP, "10.0.1.80");
        assert.deepEqual(app.spec.syncPolicy.automated, { prune: true, selfHeal: true });
        assert.equal(app.spec.syncPolicy.retry.limit, 10);
        assert.equal(app.spec.syncPolicy.retry.refresh, true);
        assert.ok(app.spec.syncPolicy.syncOptions.includes("SkipDryRunOnMissingResource=true"));
        // The namespace Argo CD creates is labelled for the instance, so its controller may write workloads there.
        assert.deepEqual(app.spec.syncPolicy.managedNamespaceMetadata, { labels: { "argocd.argoproj.io/managed-by": "openshift-gitops" } });
        assert.equal(plain(applications(rec).get("nfd-instance")!).spec.syncPolicy.managedNamespaceMetadata, undefined, "no CreateNamespace, no metadata");
        // saif-apps, if it ever applied it, neither prunes it nor stays OutOfSync over it.
        assert.equal(app.metadata.annotations["argocd.argoproj.io/sync-options"], "Prune=false");
        assert.equal(app.metadata.annotations["argocd.argoproj.io/compare-options"], "IgnoreExtraneous");
        assert.equal(app.metadata.annotations["pulumi.com/patchForce"], undefined, "force only while adopting");
        // Components that hold data, or whose chart ships CRDs, are never cascade-deleted by default.
        for (const name of ["hubble-timescape", "clickhouse-operator", "lvms-operator", "sealed-secrets-controller", "nim-operator"]) {
            assert.equal(plain(applications(rec).get(name)!).metadata.finalizers, undefined, name);
        }
        assert.deepEqual(plain(applications(rec).get("nim-llm")!).metadata.finalizers, ["resources-finalizer.argocd.argoproj.io/foreground"]);
        const project = plain(find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject")[0]);
        assert.deepEqual(project.spec.sourceRepos, ["https://github.com/saif-ai-pod/saif-gitops.git"]);
        assert.ok(project.spec.destinations.every((d: { server: string; namespace: string }) => d.server === "https://kubernetes.default.svc" && d.namespace !== "*"));
    });

    it("sends every Kubernetes resource through the stack's one explicit provider", () => {
        for (const rec of recs.values()) {
            const provider = find(rec, "pulumi:providers:kubernetes");
            assert.equal(provider.length, 1);
            assert.equal(plain(provider[0]).context, rec.stack);
            for (const r of rec.registrations.filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
                assert.ok(r.provider.startsWith(`${provider[0].urn}::`), `${r.type} ${r.name} uses ${r.provider}`);
            }
        }
    });

    it("exports each component's Application, tier, wave and gate", () => {
        const rec = recs.get("ai-pod-2")!;
        const outputs = rec.outputs as { components: Record<string, { application: string; tier: number; wave: number; gate: string }> };
        assert.equal(Object.keys(outputs.components).length, 24);
        const gate = plain(applications(rec).get("nim-llm")!).metadata.annotations["pulumi.com/waitFor"] as string;
        assert.deepEqual(outputs.components["nim-llm"], { application: "openshift-gitops/nim-llm", tier: 3, wave: 5, gate, timeoutSeconds: 1800 });
    });

    it("changes no Application's name or URN when revisions, patches and timeouts change", async () => {
        const before = recs.get("ai-pod-1")!;
        const after = await runStack("ai-pod-1", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", revision: "release-2" },
            components: {
                "nim-llm": { targetRevision: "nim-v2", healthTimeoutSeconds: 9000 },
                "hubble-timescape": { helm: { values: { "hubble-timescape": { ui: { service: { loadBalancerIP: "10.0.9.9" } } } } } },
                "splunk-otel": { helm: { values: { clusterName: "ai-pod-1" } } },
            },
        });
        const names = (r: Recording) => [...applications(r).values()].map((a) => `${a.urn} ${plain(a).metadata.name}`).sort();
        assert.deepEqual(names(after), names(before));
        assert.equal(plain(applications(after).get("nim-llm")!).spec.source.targetRevision, "nim-v2");
        assert.equal(plain(applications(after).get("splunk-otel")!).spec.source.targetRevision, "release-2");
    });

    it("turning a component off removes only its Application; an extra component lands in its place", async () => {
        const base = recs.get("ai-pod-1")!;
        const rec = await runStack("ai-pod-1", {
            components: { "splunk-reporter": { enabled: false } },
            extraComponents: { "demo-chat": { tier: 3, path: "apps/demo-chat", namespace: "demo", dependsOn: ["nim-llm"], estimateSeconds: 60 } },
        });
        const urns = (r: Recording) => new Set(r.registrations.map((x) => x.urn));
        const removed = [...urns(base)].filter((u) => !urns(rec).has(u));
        const added = [...urns(rec)].filter((u) => !urns(base).has(u));
        assert.deepEqual(removed.map((u) => u.split("::").pop()), ["splunk-reporter"]);
        assert.deepEqual(added.map((u) => u.split("::").pop()), ["demo-chat"]);
        const apps = applications(rec);
        const demo = apps.get("demo-chat")!;
        assert.ok(demo.parent.endsWith("tier-3-nvidia"));
        assert.ok(demo.dependencies.includes(apps.get("nim-llm")!.urn));
        const waves = (rec.outputs as { components: Record<string, { wave: number }> }).components;
        assert.equal(waves["demo-chat"].wave, waves["nim-llm"].wave + 1);
        // saif-apps skips its file too, as it skips every catalog component's.
        const exclude = plain(find(rec, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0]).spec.source.directory.exclude as string;
        assert.ok(exclude.includes("demo-chat.yaml") && exclude.includes("splunk-reporter.yaml"));
    });

    it("reports bad config as one-line errors before registering any resource", async () => {
        const rec = await runStack("ai-pod-1", { components: { "nim-llm": { dependsOn: ["nim-operatr"] } }, gpus: true });
        assert.deepEqual(rec.error?.split("\n"), [
            'saif-platform:gpus: unknown config key; did you mean "saif-platform:gpu"?',
            'saif-platform:components.nim-llm.dependsOn[0]: "nim-operatr" is not a component; did you mean "nim-operator"?',
        ]);
        assert.deepEqual(rec.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
    });
});
