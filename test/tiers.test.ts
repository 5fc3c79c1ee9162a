import { strict as assert } from "node:assert";
import type { Recording } from "../cli/mockrun";
import { crdErrors } from "./crd";
import { seedTable } from "./helpers";
import { applications, byUrn, find, plain, runStack } from "./mocks";

const waitFor = '["jsonpath={.status.health.status}=Healthy","jsonpath={.status.sync.status}=Synced"]';

describe("tiers: whole stacks under Pulumi mocks", () => {
    const recs = new Map<string, Recording>();
    before(async () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) recs.set(stack, await runStack(stack));
    });

    it("registers exactly the seed's Applications: 23, 23 and 16 (no Tier 3 on ai-pod-3)", () => {
        const seed = seedTable();
        const expected = {
            "ai-pod-1": seed.map((s) => s.name),
            "ai-pod-2": seed.map((s) => s.name),
            "ai-pod-3": seed.filter((s) => s.tier !== 3).map((s) => s.name),
        };
        for (const [stack, names] of Object.entries(expected)) {
            const rec = recs.get(stack)!;
            assert.equal(rec.error, undefined);
            assert.deepEqual([...applications(rec).keys()].sort(), [...names].sort(), stack);
        }
        assert.equal(applications(recs.get("ai-pod-3")!).size, 16);
    });

    it("gives each Application dependsOn exactly its seed dependencies' Applications plus the bootstrap", () => {
        for (const [stack, rec] of recs) {
            const apps = applications(rec);
            const urns = byUrn(rec);
            const rootApp = find(rec, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0];
            const appProject = find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject")[0];
            for (const s of seedTable()) {
                const app = apps.get(s.name);
                if (!app) continue;
                const deps = app.dependencies.map((u) => urns.get(u)!);
                const appDeps = deps.filter((d) => apps.has(d.name) && d.parent.includes("Tier")).map((d) => d.name);
                assert.deepEqual(appDeps.sort(), [...s.dependsOn].sort(), `${stack} ${s.name}`);
                const others = app.dependencies.filter((u) => !appDeps.some((n) => apps.get(n)!.urn === u));
                assert.deepEqual(others.sort(), [appProject.urn, rootApp.urn].sort(), `${stack} ${s.name}: only the bootstrap besides`);
            }
        }
    });

    it("gates every Application on Synced + Healthy with its own timeout", () => {
        for (const rec of recs.values()) {
            for (const app of applications(rec).values()) {
                const a = plain(app).metadata.annotations;
                assert.equal(a["pulumi.com/waitFor"], waitFor);
                assert.equal(a["pulumi.com/skipAwait"], undefined);
                const t = Number(a["pulumi.com/timeoutSeconds"]);
                assert.ok(t >= 300, app.name);
                assert.equal(app.customTimeouts.create, `${t}s`);
            }
            assert.ok(Number(plain(applications(rec).get("nim-llm") ?? applications(rec).get("hubble-timescape")!).metadata.annotations["pulumi.com/timeoutSeconds"]) > 600);
        }
    });

    it("sets the sync-wave annotation to the wave derived from the registered edges", () => {
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
            for (const [name, app] of apps) {
                assert.equal(plain(app).metadata.annotations["argocd.argoproj.io/sync-wave"], String(waveOf(name)), name);
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
        assert.equal(app.spec.source.kustomize.patches[0].target.name, "hubble-timescape-ui");
        assert.deepEqual(app.spec.syncPolicy.automated, { prune: true, selfHeal: true });
        assert.equal(app.spec.syncPolicy.retry.limit, 10);
        assert.ok(app.spec.syncPolicy.syncOptions.includes("SkipDryRunOnMissingResource=true"));
        // Components that hold data are never cascade-deleted by default.
        for (const name of ["hubble-timescape", "clickhouse-operator", "lvms-operator"]) {
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
        const outputs = recs.get("ai-pod-2")!.outputs as { components: Record<string, { application: string; tier: number; wave: number; gate: string }> };
        assert.equal(Object.keys(outputs.components).length, 23);
        assert.deepEqual(outputs.components["nim-llm"], { application: "openshift-gitops/nim-llm", tier: 3, wave: 6, gate: waitFor, timeoutSeconds: 5400 });
    });

    it("changes no Application's name or URN when revisions, patches and timeouts change", async () => {
        const before = recs.get("ai-pod-1")!;
        const after = await runStack("ai-pod-1", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", revision: "release-2" },
            components: {
                "nim-llm": { targetRevision: "nim-v2", healthTimeoutSeconds: 9000 },
                "hubble-timescape": { kustomize: { patches: [{ target: { kind: "Service", name: "hubble-timescape-ui" }, patch: "- op: replace\n  path: /spec/loadBalancerIP\n  value: 10.0.9.9\n" }] } },
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
        assert.equal(plain(demo).metadata.annotations["argocd.argoproj.io/sync-wave"],
            String(Number(plain(apps.get("nim-llm")!).metadata.annotations["argocd.argoproj.io/sync-wave"]) + 1));
    });

    it("adopts the Applications saif-apps already runs by importing them, recreating nothing", async () => {
        const rec = await runStack("ai-pod-3", { adoptExisting: true });
        for (const app of applications(rec).values()) assert.equal(app.importId, `openshift-gitops/${app.name}`);
        assert.equal(find(rec, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0].importId, "openshift-gitops/saif-apps");
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
