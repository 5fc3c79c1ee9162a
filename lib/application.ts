import { tierNames } from "../components/catalog/types";
import type { ClusterComponent, ClusterConfig, FinalizerPolicy } from "../stacks/types";
import { applicationWaitFor } from "./health";

export const inCluster = "https://kubernetes.default.svc";
export const platformProject = "saif-platform";
export const labelPrefix = "saif.io";

/** Kubernetes object as plain data, before Pulumi turns it into a resource. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
    spec?: Record<string, unknown>;
    [key: string]: unknown;
}

export function finalizers(policy: FinalizerPolicy): string[] | undefined {
    if (policy === "cascade") return ["resources-finalizer.argocd.argoproj.io"];
    if (policy === "foreground") return ["resources-finalizer.argocd.argoproj.io/foreground"];
    return undefined; // deleting the Application leaves what it deployed in place
}

export const retry = { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } };

/** One component's Argo CD Application. Its name is the component's: a config edit never renames it. */
export function renderApplication(c: ClusterComponent, config: ClusterConfig, wave: number): KubeObject {
    const source: Record<string, unknown> = {
        repoURL: config.gitops.repoUrl,
        targetRevision: c.source.targetRevision,
        path: c.source.path,
    };
    if (c.source.kustomizePatches) source.kustomize = { patches: c.source.kustomizePatches };
    if (c.source.helmValues) source.helm = { valuesObject: c.source.helmValues };
    const fin = finalizers(c.finalizer);
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
            name: c.name,
            namespace: config.argocd.namespace,
            labels: {
                "app.kubernetes.io/part-of": platformProject,
                "app.kubernetes.io/managed-by": "pulumi",
                [`${labelPrefix}/cluster`]: config.cluster,
                [`${labelPrefix}/tier`]: String(c.tier),
                [`${labelPrefix}/tier-name`]: tierNames[c.tier],
                [`${labelPrefix}/component`]: c.name,
            },
            annotations: {
                // Argo CD's own ordering agrees with Pulumi's graph.
                "argocd.argoproj.io/sync-wave": String(wave),
                "pulumi.com/waitFor": applicationWaitFor,
                "pulumi.com/timeoutSeconds": String(c.healthTimeoutSeconds),
                // saif-apps may still list it (adopted from clusters/<cluster>/): it must never prune what Pulumi owns.
                "argocd.argoproj.io/sync-options": "Prune=false",
            },
            ...(fin ? { finalizers: fin } : {}),
        },
        spec: {
            project: platformProject,
            source,
            destination: { server: inCluster, ...(c.namespace ? { namespace: c.namespace } : {}) },
            syncPolicy: {
                automated: { prune: true, selfHeal: true },
                ...(c.syncOptions.length > 0 ? { syncOptions: [...c.syncOptions] } : {}),
                retry,
            },
        },
    };
}

/** Cluster-scoped kinds the catalog's Applications create. */
export const clusterResourceWhitelist = [
    { group: "", kind: "Namespace" },
    { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
    { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
    { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" },
    { group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration" },
    { group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration" },
    { group: "security.openshift.io", kind: "SecurityContextConstraints" },
    { group: "config.openshift.io", kind: "ImageDigestMirrorSet" },
    { group: "config.openshift.io", kind: "ImageTagMirrorSet" },
    { group: "nvidia.com", kind: "ClusterPolicy" },
    { group: "cilium.io", kind: "TracingPolicy" },
    { group: "scheduling.k8s.io", kind: "PriorityClass" },
    { group: "storage.k8s.io", kind: "StorageClass" },
];

/** The platform's AppProject: only the GitOps repository as a source, only the platform's namespaces as destinations. */
export function renderAppProject(config: ClusterConfig, namespaces: readonly string[]): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: {
            name: platformProject,
            namespace: config.argocd.namespace,
            labels: { "app.kubernetes.io/part-of": platformProject, "app.kubernetes.io/managed-by": "pulumi" },
        },
        spec: {
            description: `AI pod platform components of ${config.cluster}`,
            sourceRepos: [config.gitops.repoUrl],
            destinations: [...new Set(namespaces)].sort().map((namespace) => ({ server: inCluster, namespace })),
            clusterResourceWhitelist,
        },
    };
}

/** The root app-of-apps: it keeps watching the cluster's folder, so "add a YAML in clusters/<cluster>/" still works. */
export function renderRootApplication(config: ClusterConfig): KubeObject {
    const fin = finalizers(config.rootApp.finalizer);
    const automated = config.rootApp.prune || config.rootApp.selfHeal
        ? { automated: { prune: config.rootApp.prune, selfHeal: config.rootApp.selfHeal } } : {};
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
            name: config.rootApp.name,
            namespace: config.argocd.namespace,
            labels: { "app.kubernetes.io/part-of": platformProject, "app.kubernetes.io/managed-by": "pulumi", [`${labelPrefix}/cluster`]: config.cluster },
            annotations: { "pulumi.com/waitFor": applicationWaitFor, "pulumi.com/timeoutSeconds": "1800" },
            ...(fin ? { finalizers: fin } : {}),
        },
        spec: {
            project: "default",
            source: { repoURL: config.gitops.repoUrl, targetRevision: config.gitops.revision, path: config.gitops.clusterAppsPath, directory: { recurse: false } },
            destination: { server: inCluster, namespace: config.argocd.namespace },
            syncPolicy: { ...automated, retry },
        },
    };
}
