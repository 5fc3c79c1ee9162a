/** Tiers of the platform, as in the seed's `clusters/_base/tier*` folders. */
export type TierNumber = 1 | 2 | 3 | 4;

export const tierNames: Readonly<Record<TierNumber, string>> = {
    1: "platform",
    2: "isovalent",
    3: "nvidia",
    4: "observability",
};

/** What a component deploys, how it is judged ready, and how long that may take. */
export interface CatalogComponent {
    /** The Argo CD Application's name; also its key in stack config. Stable: it is the contract. */
    readonly name: string;
    readonly tier: TierNumber;
    /** The `argocd.argoproj.io/sync-wave` the seed gives it (after our one fix, see data.ts). */
    readonly declaredWave: number;
    readonly deploys: string;
    /** Destination namespace (for cluster-scoped objects, a namespace the AppProject allows). */
    readonly namespace?: string;
    /** Source path in the GitOps repository. */
    readonly path: string;
    /** Components that must be Synced and Healthy first. */
    readonly dependsOn: readonly string[];
    /** Only on clusters with GPUs (Tier 3). */
    readonly gpuOnly: boolean;
    /** What "ready" means for this component, in words. */
    readonly ready: string;
    /** How long Pulumi waits for Synced + Healthy before failing the update. */
    readonly healthTimeoutSeconds: number;
    /**
     * An ESTIMATE of the time from creation to Synced + Healthy on a typical connected cluster, used only for
     * planning (critical path, time to ready). Not measured; tune per site.
     */
    readonly estimateSeconds: number;
    /** Holds data (volumes, databases): never cascade-delete its resources by default. */
    readonly holdsData: boolean;
    /** Argo CD sync options its resources need. */
    readonly syncOptions: readonly string[];
    /** Something outside the graph that must already hold (not an edge). */
    readonly precondition?: string;
    /**
     * The kinds its content writes, as `group/Kind` (`Kind` for the core group), in its destination namespace for
     * namespaced kinds (the SealedSecrets of the `sealed-secrets*` apps go where their secrets live). Checked
     * against the AppProject and the controller's rights.
     */
    readonly writes: readonly string[];
    /** Its chart ships CRDs: cascade-deleting it would delete every object of those kinds, so no finalizer by default. */
    readonly shipsCrds: boolean;
    /**
     * What its folder in this repository is, which decides how Argo CD renders it: a Kustomize folder, a plain
     * directory read recursively (the sealed files), or a Helm chart (`Chart.yaml` pinning the upstream chart as
     * a dependency, `values.yaml` beside it).
     */
    readonly content: "kustomize" | "directory" | "helm";
    /** Custom kinds whose CRD it installs (its operator's, through OLM or its chart), as `group/Kind`. */
    readonly provides?: readonly string[];
    /**
     * An operator namespace OpenShift's cluster monitoring scrapes: labelled `openshift.io/cluster-monitoring: "true"`
     * when Argo CD creates it, as Red Hat's install steps label it (NFD, LVM Storage).
     */
    readonly clusterMonitoring?: boolean;
}
