import { strict as assert } from "node:assert";
import {
    finalizers, inCluster, managedByLabel, renderAppProject, renderApplication, renderRootApplication, renderRootProject, retry, rootExclude,
} from "../lib/application";
import { parseClusterConfig } from "../stacks/parse";
import { stackRaw } from "./helpers";

// What each Application and AppProject sends to the cluster, field by field (cases found by mutation testing:
// test/MUTATION.md). Pure: no mocks.
describe("Application and AppProject objects as the cluster receives them", () => {
    const config = parseClusterConfig(stackRaw("ai-pod-1"));
    const component = (name: string) => {
        const c = config.components.find((x) => x.name === name);
        assert.ok(c, name);
        return c;
    };
    type Spec = { source: Record<string, unknown>; syncPolicy: Record<string, unknown>; destination: Record<string, unknown> };

    it("labels every Application with the owner, the cluster, the tier and the component", () => {
        const app = renderApplication(component("gpu-operator"), config);
        assert.deepEqual(app.metadata.labels, {
            "app.kubernetes.io/part-of": "saif-platform", "app.kubernetes.io/managed-by": "pulumi", "saif.io/cluster": config.cluster,
            "saif.io/tier": "3", "saif.io/tier-name": "nvidia", "saif.io/component": "gpu-operator",
        });
    });

    it("syncs automatically with prune and self-heal, retries about 30 minutes and refreshes on each retry", () => {
        const spec = renderApplication(component("gpu-operator"), config).spec as Spec;
        assert.deepEqual(spec.syncPolicy.automated, { prune: true, selfHeal: true });
        assert.deepEqual(spec.syncPolicy.retry, { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "5m" }, refresh: true });
        assert.equal(spec.syncPolicy.retry, retry);
    });

    it("passes sync options through, labels a namespace Argo CD creates for the instance, and adds neither when there are none", () => {
        const creates = config.components.find((c) => c.syncOptions.includes("CreateNamespace=true"));
        const none = config.components.find((c) => c.syncOptions.length === 0);
        assert.ok(creates && none);
        const a = (renderApplication(creates, config).spec as Spec).syncPolicy;
        assert.deepEqual(a.syncOptions, [...creates.syncOptions]);
        assert.deepEqual(a.managedNamespaceMetadata, { labels: { [managedByLabel]: config.argocd.namespace } });
        const b = (renderApplication(none, config).spec as Spec).syncPolicy;
        assert.equal("syncOptions" in b, false);
        assert.equal("managedNamespaceMetadata" in b, false);
        // Red Hat's operator namespaces are labelled for cluster monitoring, as Red Hat's install steps label them.
        for (const name of ["nfd-operator", "lvms-operator", "gpu-operator"]) {
            const c = config.components.find((x) => x.name === name)!;
            assert.deepEqual((renderApplication(c, config).spec as Spec).syncPolicy.managedNamespaceMetadata,
                { labels: { [managedByLabel]: config.argocd.namespace, "openshift.io/cluster-monitoring": "true" } }, name);
        }
    });

    it("reads a sealed-file directory recursively, and only a directory source", () => {
        const dir = config.components.find((c) => c.content === "directory");
        const kustomize = config.components.find((c) => c.content === "kustomize");
        assert.ok(dir && kustomize);
        assert.deepEqual((renderApplication(dir, config).spec as Spec).source.directory, { recurse: true });
        assert.equal("directory" in (renderApplication(kustomize, config).spec as Spec).source, false);
    });

    it("maps each finalizer policy to Argo CD's finalizer, and none to none", () => {
        assert.deepEqual(finalizers("cascade"), ["resources-finalizer.argocd.argoproj.io"]);
        assert.deepEqual(finalizers("foreground"), ["resources-finalizer.argocd.argoproj.io/foreground"]);
        assert.equal(finalizers("none"), undefined);
        const cascading = { ...component("gpu-operator"), finalizer: "cascade" as const };
        assert.deepEqual(renderApplication(cascading, config).metadata.finalizers, ["resources-finalizer.argocd.argoproj.io"]);
        assert.equal("finalizers" in renderApplication({ ...cascading, finalizer: "none" }, config).metadata, false);
    });

    it("limits the platform project to the repository, each namespace once in order, and each cluster kind once in order", () => {
        const p = renderAppProject(config, ["b-ns", "a-ns", "b-ns"], [{ group: "apps.x", kind: "B" }, { group: "", kind: "Namespace" }, { group: "apps.x", kind: "A" }, { group: "", kind: "Namespace" }]);
        assert.deepEqual(p.spec, {
            description: `AI pod platform components of ${config.cluster}`,
            sourceRepos: [config.gitops.repoUrl],
            destinations: [{ server: inCluster, namespace: "a-ns" }, { server: inCluster, namespace: "b-ns" }],
            clusterResourceWhitelist: [{ group: "", kind: "Namespace" }, { group: "apps.x", kind: "A" }, { group: "apps.x", kind: "B" }],
        });
    });

    it("lets the root project hold only Applications in Argo CD's namespace, from the repository", () => {
        assert.deepEqual(renderRootProject(config).spec, {
            description: `Applications users add under ${config.gitops.clusterAppsPath} on ${config.cluster}`,
            sourceRepos: [config.gitops.repoUrl],
            destinations: [{ server: inCluster, namespace: config.argocd.namespace }],
            clusterResourceWhitelist: [],
            namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
        });
    });

    it("excludes each Pulumi-owned name once, sorted, as .yaml, .yml and .json", () => {
        assert.equal(rootExclude(["b", "a", "b"]), "{a.yaml,a.yml,a.json,b.yaml,b.yml,b.json}");
    });

    it("syncs the root app automatically when either prune or self-heal is on, never while adopting; gates it on its sync", () => {
        const root = (prune: boolean, selfHeal: boolean, adoptExisting = false) =>
            (renderRootApplication({ ...config, adoptExisting, rootApp: { ...config.rootApp, prune, selfHeal } }, ["x"]).spec as Spec).syncPolicy;
        assert.deepEqual(root(true, false).automated, { prune: true, selfHeal: false });
        assert.deepEqual(root(false, true).automated, { prune: false, selfHeal: true });
        assert.equal("automated" in root(false, false), false);
        // Adopting: auto-sync off with prune and self-heal written out as false, so Pulumi owns (and wins) those fields.
        assert.deepEqual(root(true, true, true).automated, { enabled: false, prune: false, selfHeal: false });
        // Its gate is its own sync, never its health (which rolls up users' Applications).
        const gate = JSON.parse(renderRootApplication(config, ["x"]).metadata.annotations!["pulumi.com/waitFor"]) as string[];
        assert.ok(gate.includes("jsonpath={.status.sync.status}=Synced"));
        assert.ok(!gate.some((g) => g.includes("health")), gate.join(" "));
        const cascade = renderRootApplication({ ...config, rootApp: { ...config.rootApp, finalizer: "cascade" } }, ["x"]);
        assert.deepEqual(cascade.metadata.finalizers, ["resources-finalizer.argocd.argoproj.io"]);
        assert.equal("finalizers" in renderRootApplication({ ...config, rootApp: { ...config.rootApp, finalizer: "none" } }, ["x"]).metadata, false);
        const spec = renderRootApplication(config, ["x"]).spec as Spec;
        assert.deepEqual(spec.destination, { server: inCluster, namespace: config.argocd.namespace });
        assert.equal((spec as unknown as { ignoreDifferences: unknown[] }).ignoreDifferences.length, 1);
    });
});
