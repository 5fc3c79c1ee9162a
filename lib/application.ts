import { tierNames } from "../components/catalog/types";
import { catalogAdditions } from "../components/catalog/data";
import type { ClusterComponent, ClusterConfig, FinalizerPolicy } from "../stacks/types";
import { applicationGate, fingerprintIgnoreRule, GatedSource } from "./gates";

export const inCluster = "https://kubernetes.default.svc";
export const platformProject = "saif-platform";
/** The root app's own project: it may create Applications in Argo CD's namespace, nothing else. */
export const rootProject = "saif-root";
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

/**
 * About 30 minutes of retries. After the limit Argo CD never retries the same revision on its own
 * (controller/appcontroller.go "Skipping auto-sync: failed previous sync attempt"); `refresh` makes each retry pick
 * up a fix pushed meanwhile (RetryStrategy.refresh, Application CRD v3.5.1).
 */
export const retry = { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "5m" }, refresh: true };

/** The label that lets the OpenShift GitOps instance write workloads in a namespace (argocd-operator role.go). */
export const managedByLabel = "argocd.argoproj.io/managed-by";

const createsNamespace = (syncOptions: readonly string[]) => syncOptions.includes("CreateNamespace=true");

/** What Pulumi puts on every object it owns (never a field Argo CD sets on an Application it owns). */
function ownedLabels(config: ClusterConfig): Record<string, string> {
    return { "app.kubernetes.io/part-of": platformProject, "app.kubernetes.io/managed-by": "pulumi", [`${labelPrefix}/cluster`]: config.cluster };
}

/** The waitFor annotation that binds an Application's gate to the source just rendered. */
export function gateAnnotation(source: GatedSource, opts: { healthy?: boolean } = {}): string {
    return JSON.stringify(applicationGate(source, opts));
}

/** One component's Argo CD Application. Its name is the component's: a config edit never renames it. */
export function renderApplication(c: ClusterComponent, config: ClusterConfig): KubeObject {
    const chart = c.source.chart;
    const source: Record<string, unknown> & GatedSource = chart
        // The chart from the site's mirror (lib/chartSource.ts): the release keeps the component's name.
        ? { repoURL: chart.repoURL, chart: chart.name, targetRevision: chart.version, helm: { releaseName: c.name, valuesObject: chart.values } }
        : {
            repoURL: config.gitops.repoUrl,
            targetRevision: c.source.targetRevision,
            path: c.source.path,
            ...(c.source.kustomizePatches ? { kustomize: { patches: c.source.kustomizePatches } } : {}),
            ...(c.source.helmValues ? { helm: { valuesObject: c.source.helmValues } } : {}),
            // The sealed files sit one folder per consumer: read them all (a directory source does not recurse by default).
            ...(c.content === "directory" ? { directory: { recurse: true } } : {}),
        };
    const fin = finalizers(c.finalizer);
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
            name: c.name,
            namespace: config.argocd.namespace,
            labels: {
                ...ownedLabels(config),
                [`${labelPrefix}/tier`]: String(c.tier),
                [`${labelPrefix}/tier-name`]: tierNames[c.tier],
                [`${labelPrefix}/component`]: c.name,
            },
            // No sync-wave: no parent syncs these Applications, so a wave would order nothing (it orders a parent's
            // sync only) and churn every diff; the order is Pulumi's graph.
            annotations: {
                "pulumi.com/waitFor": gateAnnotation(source),
                // If saif-apps ever applied it (a cluster adopted from the seed), it must neither prune it
                // (gitops-engine sync_context.go reads Prune=false from the live object) nor stay OutOfSync over it
                // (argo-cd docs/user-guide/compare-options.md: IgnoreExtraneous).
                "argocd.argoproj.io/sync-options": "Prune=false",
                "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
                // Adoption run only: the import is followed by a server-side apply in the same run (engine >= 3.174)
                // that would conflict with the fields Argo CD's controller owns (await.go handleSSAErr).
                ...(config.adoptExisting && !c.extra && !catalogAdditions.some((a) => a.name === c.name) ? { "pulumi.com/patchForce": "true" } : {}),
            },
            ...(fin ? { finalizers: fin } : {}),
        },
        spec: {
            project: platformProject,
            source,
            destination: { server: inCluster, ...(c.namespace ? { namespace: c.namespace } : {}) },
            // The first rule carries the source's fingerprint for the gate; it matches no resource.
            ignoreDifferences: [fingerprintIgnoreRule(source)],
            syncPolicy: {
                automated: { prune: true, selfHeal: true },
                ...(c.syncOptions.length > 0 ? { syncOptions: [...c.syncOptions] } : {}),
                // The namespace Argo CD creates is labelled for the instance, which then gets admin rights there
                // (gitops-operator controllers/argocd/openshift/openshift.go); applied to an existing namespace too
                // (argo-cd controller/sync_namespace.go).
                ...(createsNamespace(c.syncOptions) ? { managedNamespaceMetadata: { labels: {
                    [managedByLabel]: config.argocd.namespace,
                    ...(c.clusterMonitoring ? { "openshift.io/cluster-monitoring": "true" } : {}),
                } } } : {}),
                retry,
            },
        },
    };
}

/**
 * The platform's AppProject: only the GitOps repository as a source; as destinations exactly the namespaces the
 * enabled components write to, and as cluster-scoped kinds exactly those they write (both from the components'
 * content: lib/rights.ts componentWrites, checked against the rendered objects by test/content.test.ts).
 */
export function renderAppProject(config: ClusterConfig, namespaces: readonly string[], clusterKinds: readonly { group: string; kind: string }[]): KubeObject {
    const kinds = [...new Map(clusterKinds.map((k) => [`${k.group}/${k.kind}`, { group: k.group, kind: k.kind }])).values()]
        .sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`));
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: platformProject, namespace: config.argocd.namespace, labels: ownedLabels(config) },
        spec: {
            description: `AI pod platform components of ${config.cluster}`,
            // And the site's chart mirror, when the Helm components take their charts from it.
            sourceRepos: [config.gitops.repoUrl, ...(config.chartMirror ? [config.chartMirror.repoURL] : [])],
            destinations: [...new Set(namespaces)].sort().map((namespace) => ({ server: inCluster, namespace })),
            clusterResourceWhitelist: kinds,
        },
    };
}

/**
 * The root app's project: what users add under `clusters/<cluster>/` can only be Applications in Argo CD's
 * namespace, which then run under their own project's rules (the `default` project would allow anything).
 */
export function renderRootProject(config: ClusterConfig): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: rootProject, namespace: config.argocd.namespace, labels: ownedLabels(config) },
        spec: {
            description: `Applications users add under ${config.gitops.clusterAppsPath} on ${config.cluster}`,
            sourceRepos: [config.gitops.repoUrl],
            destinations: [{ server: inCluster, namespace: config.argocd.namespace }],
            clusterResourceWhitelist: [],
            namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
        },
    };
}

/**
 * The files of the cluster folder that saif-apps must never apply: one per Pulumi-managed Application, named
 * after it as the seed names them (`clusters/<cluster>/<component>.yaml`). A glob in brace form, as
 * `directory.exclude` takes it (argo-cd reposerver/repository/repository.go, `glob.Compile` over the file path).
 */
export function rootExclude(names: readonly string[]): string {
    const files = [...new Set(names)].sort().flatMap((n) => [`${n}.yaml`, `${n}.yml`, `${n}.json`]);
    return `{${files.join(",")}}`;
}

/**
 * The root app-of-apps over `clusters/<cluster>/`, for what users add there. It never applies a file named after
 * an Application Pulumi owns, so the two never both own one.
 *
 * Its gate is its own sync (comparedTo this source, Synced), not its health: its health rolls up every Application
 * users put in the folder (argo-cd controller/health.go), which says nothing about the platform, and nothing of the
 * platform waits for it.
 *
 * While adopting, auto-sync is off with prune and self-heal false written out: under server-side apply a field
 * another manager set (the seed's `automated` block, applied by `oc apply` or Ansible) survives when Pulumi merely
 * omits it (pulumi-kubernetes await.go `ssaUpdate`, `fixCSAFieldManagers` takes over only kubectl-style managers),
 * and `patchForce` makes Pulumi's values win. `automated.enabled` exists since Argo CD 3.1 (Application CRD v3.5.1);
 * an older Argo CD drops it and keeps auto-sync on, but with prune false nothing is deleted.
 */
export function renderRootApplication(config: ClusterConfig, pulumiOwned: readonly string[]): KubeObject {
    const fin = finalizers(config.rootApp.finalizer);
    const prune = config.rootApp.prune && !config.adoptExisting;
    const selfHeal = config.rootApp.selfHeal && !config.adoptExisting;
    const automated = config.adoptExisting ? { automated: { enabled: false, prune: false, selfHeal: false } }
        : prune || selfHeal ? { automated: { prune, selfHeal } } : {};
    const source: Record<string, unknown> & GatedSource = {
        repoURL: config.gitops.repoUrl,
        targetRevision: config.gitops.revision,
        path: config.gitops.clusterAppsPath,
        directory: { recurse: false, exclude: rootExclude(pulumiOwned) },
    };
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
            name: config.rootApp.name,
            namespace: config.argocd.namespace,
            labels: ownedLabels(config),
            annotations: {
                "pulumi.com/waitFor": gateAnnotation(source, { healthy: false }),
                ...(config.adoptExisting ? { "pulumi.com/patchForce": "true" } : {}),
            },
            ...(fin ? { finalizers: fin } : {}),
        },
        spec: {
            project: rootProject,
            source,
            destination: { server: inCluster, namespace: config.argocd.namespace },
            ignoreDifferences: [fingerprintIgnoreRule(source)],
            syncPolicy: { ...automated, retry },
        },
    };
}
