import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { applyOrder, checkNeeds, ContentObject, deliveredSecrets, kindOrder, Need, needsOf, RenderedComponent } from "../lib/content";
import { root } from "./helpers";

/** The content checks on hand-made objects: every kind of need, every line, and Argo CD's apply order. */
const obj = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}, metadata: Partial<ContentObject["metadata"]> = {}): ContentObject =>
    ({ apiVersion, kind, metadata: { name, ...metadata }, ...extra });
const clusterScoped = new Set(["Namespace", "ClusterRole", "StorageClass", "ClusterPolicy"]);
const namespaced = (_: string, kind: string) => !clusterScoped.has(kind);

describe("content checks (pure, on hand-made objects)", () => {
    it("orders objects as Argo CD applies them (sync_tasks.go Less): PreSync, Sync, PostSync, SyncFail; then wave; then kind order; then name", () => {
        const hook = (h: string) => ({ "argocd.argoproj.io/hook": h });
        const w = (n: string) => ({ "argocd.argoproj.io/sync-wave": n });
        const objects = [
            obj("batch/v1", "Job", "post", {}, { annotations: hook("PostSync") }),
            obj("batch/v1", "Job", "fail", {}, { annotations: hook("SyncFail") }),
            obj("example.com/v1", "Widget", "b"),
            obj("example.com/v1", "Gadget", "c"),
            obj("example.com/v1", "Widget", "a"),
            obj("example.com/v1", "Gadget", "a"),
            obj("batch/v1", "Job", "skip", {}, { annotations: hook("Skip") }),
            obj("apps/v1", "Deployment", "d"),
            obj("v1", "Secret", "z"),
            obj("v1", "Secret", "a"),
            obj("v1", "Namespace", "ns"),
            obj("v1", "ConfigMap", "early", {}, { annotations: w("-1") }),
            obj("v1", "ConfigMap", "late", {}, { annotations: w("5") }),
            obj("batch/v1", "Job", "in-sync", {}, { annotations: hook("Sync") }),
            obj("batch/v1", "Job", "pre", {}, { annotations: hook("PreSync") }),
        ].map((object) => ({ object }));
        assert.deepEqual(applyOrder(objects).map((o) => `${o.object.kind}/${o.object.metadata.name}`), [
            // Unlisted kinds share one rank: their names decide (bytes, as Go compares), then their kinds.
            "Job/pre", "ConfigMap/early", "Namespace/ns", "Secret/a", "Secret/z", "Deployment/d", "Job/in-sync", "Gadget/a", "Widget/a", "Widget/b", "Gadget/c",
            "ConfigMap/late", "Job/post", "Job/fail", "Job/skip",
        ]);
        assert.equal(objects[0].object.metadata.name, "post", "the input is not reordered");
    });

    it("ranks kinds and phases as Argo CD's own sync_tasks.go does (test/schemas/argo-cd-sync-tasks-order.go.txt, verbatim)", () => {
        const go = readFileSync(path.join(root, "test/schemas/argo-cd-sync-tasks-order.go.txt"), "utf8");
        const kinds = /kinds := \[\]string\{([^}]*)\}/.exec(go)![1].match(/"[^"]+"/g)!.map((k) => JSON.parse(k) as string);
        assert.deepEqual(kindOrder, kinds);
        // syncPhaseOrder's numbers, lowest first, are the phase order applyOrder uses.
        const phases = [...go.matchAll(/common\.SyncPhase(\w+):\s+(-?\d+),/g)].sort((a, b) => Number(a[2]) - Number(b[2])).map((m) => m[1]);
        assert.deepEqual(phases, ["PreSync", "Sync", "PostSync", "SyncFail"]);
        const objects = ["SyncFail", "PostSync", "Sync", "PreSync"].map((h) => ({ object: obj("batch/v1", "Job", h, {}, { annotations: { "argocd.argoproj.io/hook": h } }) }));
        assert.deepEqual(applyOrder(objects).map((o) => o.object.metadata.name), phases);
        // Every listed kind before the next one, whatever their names.
        const all = [...kinds].reverse().map((k, i) => ({ object: obj("v1", k, `n${String(i).padStart(2, "0")}`) }));
        assert.deepEqual(applyOrder(all).map((o) => o.object.kind), kinds);
    });

    it("needs no CRD for a kind of any Kubernetes API group served by default (test/schemas/kubernetes-resources.json), nor of OpenShift's", () => {
        const { resources } = JSON.parse(readFileSync(path.join(root, "test/schemas/kubernetes-resources.json"), "utf8")) as { resources: { group: string; kind: string }[] };
        // No GA version (so not served by default): internal.apiserver.k8s.io, storagemigration.k8s.io; resource.k8s.io is
        // GA only since Kubernetes 1.34, so an older OpenShift does not serve it.
        const notServed = new Set(["internal.apiserver.k8s.io", "storagemigration.k8s.io", "resource.k8s.io"]);
        const served = resources.filter((r) => !notServed.has(r.group));
        assert.ok(new Set(served.map((r) => r.group)).size >= 19);
        const rc: RenderedComponent = { name: "k", content: "directory", objects: served.map((r) => ({ file: "f", object: obj(r.group ? `${r.group}/v1` : "v1", r.kind, "x") })) };
        assert.deepEqual(needsOf(rc, () => false), []);
        // OpenShift's own kinds (and the monitoring stack's, installed with every cluster) need no component either.
        const openshift = [["route.openshift.io/v1", "Route"], ["console.openshift.io/v1", "ConsoleLink"], ["monitoring.coreos.com/v1", "ServiceMonitor"],
            ["machineconfiguration.openshift.io/v1", "MachineConfig"], ["image.openshift.io/v1", "ImageStream"], ["config.openshift.io/v1", "ImageDigestMirrorSet"],
            ["security.openshift.io/v1", "SecurityContextConstraints"], ["operators.coreos.com/v1alpha1", "Subscription"]];
        assert.deepEqual(needsOf({ ...rc, objects: openshift.map(([v, k]) => ({ file: "f", object: obj(v, k, "x") })) }, () => false), []);
        for (const group of notServed) {
            assert.deepEqual(needsOf({ ...rc, objects: [{ file: "f", object: obj(`${group}/v1alpha1`, "Thing", "x") }] }, () => false).map((n) => n.what), [`${group}/Thing`]);
        }
    });

    it("reads what an object needs: its namespace, the CRD of a custom kind, every Secret it names, the StorageClasses it asks for", () => {
        const rc: RenderedComponent = {
            name: "app", content: "kustomize", namespace: "dest", objects: [
                { file: "apps/app/deploy.yaml", object: obj("apps/v1", "Deployment", "d", { spec: { template: { spec: {
                    imagePullSecrets: [{ name: "pull" }, { other: 1 }],
                    containers: [{ env: [{ valueFrom: { secretKeyRef: { name: "env-secret", key: "k" } } }], envFrom: [{ secretRef: { name: "from-secret" } }] }],
                    volumes: [{ secret: { secretName: "vol-secret" } }, { persistentVolumeClaim: { claimName: "c" } }],
                } } } }, { namespace: "ns1" }) },
                { file: "apps/app/nim.yaml", object: obj("apps.nvidia.com/v1alpha1", "NIMService", "n", { spec: {
                    authSecret: "ngc", image: { pullSecrets: ["nvcr", { name: "nvcr2" }] }, storage: { pvc: { storageClass: "fast" } }, existingSecret: "",
                } }) },
                { file: "apps/app/pvc.yaml", object: obj("v1", "PersistentVolumeClaim", "p", { spec: { storageClassName: "slow" } }, { namespace: "ns1" }) },
                { file: "apps/app/policy.yaml", object: obj("nvidia.com/v1", "ClusterPolicy", "cp", { spec: { driver: { secretRef: { name: "x" } } } }) },
                { file: "apps/app/role.yaml", object: obj("rbac.authorization.k8s.io/v1", "ClusterRole", "r") },
                { file: "apps/app/again.yaml", object: obj("apps/v1", "Deployment", "d2", { spec: { storageClassName: "slow" } }, { namespace: "ns1" }) },
            ],
            chart: { name: "c", version: "1.0.0", repository: "https://charts", file: "apps/app/values.yaml",
                values: { secret: { create: false, name: "hec" }, auth: { existingSecret: "pw" }, persistence: { storageClass: "chart-sc" }, cache: { pullSecret: "ps" } } },
        };
        const needs = needsOf(rc, namespaced).map((n) => `${n.kind} ${n.what} ${n.file.split("/").pop()}`);
        assert.deepEqual(needs, [
            "namespace ns1 deploy.yaml", "secret ns1/pull deploy.yaml", "secret ns1/env-secret deploy.yaml", "secret ns1/from-secret deploy.yaml", "secret ns1/vol-secret deploy.yaml",
            "namespace dest nim.yaml", "crd apps.nvidia.com/NIMService nim.yaml", "secret dest/ngc nim.yaml", "secret dest/nvcr nim.yaml", "secret dest/nvcr2 nim.yaml", "storageClass fast nim.yaml",
            "storageClass slow pvc.yaml",
            // Cluster-scoped: no namespace, and no Secret it could name in one; its custom kind still needs its CRD.
            "crd nvidia.com/ClusterPolicy policy.yaml",
            "secret dest/hec values.yaml", "secret dest/pw values.yaml", "secret dest/ps values.yaml", "storageClass chart-sc values.yaml",
        ]);
        assert.ok(needsOf(rc, namespaced).every((n) => n.component === "app"));
        // A chart without a destination namespace needs nothing of its values.
        assert.deepEqual(needsOf({ ...rc, namespace: undefined, objects: [] }, namespaced), []);
        // A chart's secret it creates itself (create: true) is not a need.
        assert.deepEqual(needsOf({ ...rc, objects: [], chart: { ...rc.chart!, values: { secret: { create: true, name: "own" } } } }, namespaced).map((n) => n.what), ["dest"]);
    });

    it("orders SyncFail before any other hook, and two unlisted kinds of one name by kind, whatever the input order", () => {
        const hook = (h: string, name: string) => ({ object: obj("batch/v1", "Job", name, {}, { annotations: { "argocd.argoproj.io/hook": h } }) });
        // PostDelete and Skip are not in syncPhaseOrder: last here, after SyncFail, although their names sort first.
        assert.deepEqual(applyOrder([hook("PostDelete", "a"), hook("Skip", "b"), hook("SyncFail", "z")]).map((o) => o.object.metadata.name), ["z", "a", "b"]);
        for (const input of [["Widget", "Gadget"], ["Gadget", "Widget"]]) {
            assert.deepEqual(applyOrder(input.map((k) => ({ object: obj("example.com/v1", k, "same") }))).map((o) => o.object.kind), ["Gadget", "Widget"]);
        }
    });

    it("reads needs only where Kubernetes and the charts mean them: not a created Secret, a ServiceAccount or an empty StorageClass", () => {
        const rc = (objects: ContentObject[], values?: Record<string, unknown>): RenderedComponent => ({ name: "app", content: "directory", namespace: "dest",
            objects: objects.map((object) => ({ file: "apps/app/x.yaml", object })),
            ...(values ? { chart: { name: "c", version: "1.0.0", repository: "https://charts", file: "apps/app/values.yaml", values } } : {}) });
        const whats = (c: RenderedComponent) => needsOf(c, namespaced).map((n) => `${n.kind} ${n.what}`);
        // A cert-manager Certificate's spec.secretName is the Secret it writes, not one it reads; only a volume's secret.secretName is.
        assert.deepEqual(whats(rc([obj("cert-manager.io/v1", "Certificate", "tls", { spec: { secretName: "tls-out", issuerRef: { name: "ca" } } })])),
            ["namespace dest", "crd cert-manager.io/Certificate"]);
        // A chart's serviceAccount.create false + name names a ServiceAccount, not a Secret; secret.create false + name does.
        assert.deepEqual(whats(rc([], { serviceAccount: { create: false, name: "sa" }, secret: { create: false, name: "hec" } })), ["namespace dest", "secret dest/hec"]);
        // storageClassName "" asks for no dynamic provisioning (a pre-bound PersistentVolume): no StorageClass needed.
        assert.deepEqual(whats(rc([obj("v1", "PersistentVolumeClaim", "p", { spec: { storageClassName: "" } })])), ["namespace dest"]);
        // A StatefulSet's claim templates are a list: their StorageClass is still found.
        assert.deepEqual(whats(rc([obj("apps/v1", "StatefulSet", "s", { spec: { volumeClaimTemplates: [{ spec: { storageClassName: "fast" } }] } })])),
            ["namespace dest", "storageClass fast"]);
        // YAML nulls anywhere (an empty list item, "secret: ~", "secretKeyRef: null") are skipped, not a crash.
        assert.deepEqual(whats(rc([obj("apps/v1", "Deployment", "d", { spec: { volumes: [null, { secret: null }], env: [{ valueFrom: { secretKeyRef: null } }],
            claims: [null, 3, "x"], imagePullSecrets: [null, "s"], envFrom: [{ secretRef: { name: 5 } }] } })], { secret: null, persistence: [null] })), ["namespace dest"]);
        // A namespace and a StorageClass of one name are two needs.
        assert.deepEqual(whats(rc([obj("v1", "PersistentVolumeClaim", "p", { spec: { storageClassName: "dest" } })])), ["namespace dest", "storageClass dest"]);
        // Each need once, however many objects have it.
        assert.deepEqual(whats(rc([obj("v1", "ConfigMap", "a"), obj("v1", "ConfigMap", "b"), obj("v1", "PersistentVolumeClaim", "p", { spec: { storageClassName: "fast" } }),
            obj("v1", "PersistentVolumeClaim", "q", { spec: { storageClassName: "fast" } })])), ["namespace dest", "storageClass fast"]);
    });

    it("lists the Secrets a component delivers itself, Secret or SealedSecret, in its own or the destination namespace", () => {
        const rc: RenderedComponent = { name: "s", content: "directory", namespace: "dest", objects: [
            { file: "a", object: obj("v1", "Secret", "plain", {}, { namespace: "ns1" }) },
            { file: "b", object: obj("bitnami.com/v1alpha1", "SealedSecret", "sealed") },
            { file: "c", object: obj("v1", "ConfigMap", "cm") },
        ] };
        assert.deepEqual(deliveredSecrets(rc), ["ns1/plain", "dest/sealed"]);
    });

    it("says which need nobody meets, and which dependsOn to add when a provider is not upstream", () => {
        const need = (kind: Need["kind"], what: string, component = "app"): Need => ({ component, kind, what, file: `apps/${component}/x.yaml` });
        const providers = {
            namespaces: new Map([["ns1", "maker"], ["boot", "bootstrap"]]), crds: new Map([["example.com/Widget", "widget-operator"]]),
            secrets: new Map([["ns1/s", "cluster"]]), storageClasses: new Map([["fast", "app"]]),
        };
        const upstream = (c: string) => new Set(c === "app" ? ["maker"] : []);
        const keyOf = (c: string) => `saif-platform:components.${c}`;
        assert.deepEqual(checkNeeds([
            need("namespace", "ns1"), need("namespace", "boot"), need("secret", "ns1/s"), need("storageClass", "fast"), need("crd", "apps/Deployment"),
            need("crd", "example.com/Widget"), need("namespace", "ns1", "other"), need("namespace", "nowhere"), need("secret", "ns1/missing"),
            need("storageClass", "slow"), need("crd", "example.com/Gadget"), need("namespace", "apps"), need("secret", "batch/s"),
        ], providers, upstream, keyOf), [
            'apps/app/x.yaml: app needs the CRD of example.com/Widget, which widget-operator provides, but app does not depend on widget-operator; add "widget-operator" to saif-platform:components.app.dependsOn',
            'apps/other/x.yaml: other needs namespace ns1, which maker provides, but other does not depend on maker; add "maker" to saif-platform:components.other.dependsOn',
            "apps/app/x.yaml: app needs namespace nowhere, which no component, nor the bootstrap, provides; add the component that provides it",
            "apps/app/x.yaml: app needs Secret ns1/missing, which no component, nor the bootstrap, provides; add it to the catalog's platform secrets or deliver it in the component",
            "apps/app/x.yaml: app needs StorageClass slow, which no component, nor the bootstrap, provides; add the component that provides it",
            "apps/app/x.yaml: app needs the CRD of example.com/Gadget, which no component, nor the bootstrap, provides; add the component that provides it",
            // Named like an API group the cluster serves, but a namespace: only a CRD need is met by the cluster's groups.
            "apps/app/x.yaml: app needs namespace apps, which no component, nor the bootstrap, provides; add the component that provides it",
            "apps/app/x.yaml: app needs Secret batch/s, which no component, nor the bootstrap, provides; add it to the catalog's platform secrets or deliver it in the component",
        ]);
    });
});
