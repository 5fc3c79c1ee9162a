import { CatalogComponent, PlatformSecret, TierNumber } from "../components/catalog";
import type { GpuDriverConfig, ServingConfig } from "../lib/serving";

export const project = "saif-platform";

/** A config key as the user writes it in a stack file: `saif-platform:<key>`. */
export const full = (key: string) => `${project}:${key}`;

/** A key as written in a stack or values file, namespaced with the project when it has no namespace. */
export const qualified = (key: string) => (key.includes(":") ? key : full(key));

export type ArgoCdFlavor = "openshift-gitops" | "helm" | "existing";
export type RepositoryAccess = "public" | "deployKey" | "token";
/** What deleting the Application does to what it deployed. */
export type FinalizerPolicy = "none" | "cascade" | "foreground";

export interface KustomizePatch {
    readonly patch?: string;
    readonly path?: string;
    readonly target?: Readonly<Record<string, string>>;
    readonly options?: Readonly<Record<string, boolean>>;
}

export interface ComponentSource {
    readonly targetRevision: string;
    readonly path: string;
    readonly helmValues?: Readonly<Record<string, unknown>>;
    readonly kustomizePatches?: readonly KustomizePatch[];
    /**
     * With a chart mirror (mirror.chartRepository): the Application takes the pinned chart straight from the mirror,
     * with the umbrella's values and the stack's, instead of building apps/<component> (lib/chartSource.ts).
     */
    readonly chart?: { readonly repoURL: string; readonly name: string; readonly version: string; readonly values: Readonly<Record<string, unknown>> };
}

/** A component as this cluster runs it: the catalog entry (or the user's extra component) with overrides applied. */
export interface ClusterComponent extends CatalogComponent {
    readonly source: ComponentSource;
    readonly finalizer: FinalizerPolicy;
    /** Declared in the stack config rather than the catalog. */
    readonly extra: boolean;
}

export interface ClusterConfig {
    readonly cluster: string;
    readonly gpu: boolean;
    readonly kubernetes: { readonly context?: string; readonly kubeconfigFromSecret: boolean };
    readonly gitops: {
        readonly repoUrl: string;
        readonly revision: string;
        readonly clusterAppsPath: string;
        readonly access: RepositoryAccess;
        readonly github?: { readonly owner: string; readonly repository: string };
    };
    readonly argocd: {
        readonly flavor: ArgoCdFlavor;
        readonly namespace: string;
        readonly channel: string;
        readonly approval: "Automatic" | "Manual";
        readonly catalogSource: string;
        readonly chartVersion: string;
        /** The argo-cd chart's repository (helm flavor); a mirror on a disconnected site. */
        readonly chartRepository: string;
    };
    readonly mirror?: { readonly registry: string; readonly gitopsCatalogImage: string };
    /** The Helm charts' mirror: a Helm repository URL, or an OCI registry path as Argo CD takes it (no scheme). */
    readonly chartMirror?: { readonly repoURL: string; readonly oci: boolean };
    /** The OpenShift minor release the cluster runs ("4.18"): index tags, LVMS channel, NFD operand, Kubernetes version. */
    readonly openshift: { readonly version: string };
    /** Where the Splunk components send to (required while one is on). */
    readonly splunk?: { readonly endpoint: string; readonly metricsIndex: string; readonly eventsIndex?: string };
    /** Which disks and nodes LVM Storage takes (all unused disks of every node when not set). */
    readonly lvms: { readonly devicePaths?: readonly string[]; readonly nodeSelector?: Readonly<Record<string, string>>; readonly defaultStorageClass: boolean };
    readonly sealedSecrets: {
        readonly namespace: string;
        readonly keySource: "config" | "stack";
        /** The fleet stack, read when keySource is "stack". */
        readonly fleetStack: string;
        /** Names of the key generations to keep active; the last one seals. */
        readonly rotation: readonly string[];
    };
    readonly rootApp: { readonly name: string; readonly prune: boolean; readonly selfHeal: boolean; readonly finalizer: FinalizerPolicy };
    /** Adopt Applications that saif-apps already created (Pulumi import) instead of creating them. */
    readonly adoptExisting: boolean;
    readonly secretDelivery: {
        readonly commitSealed: boolean;
        readonly branch: string;
        readonly githubEnvironment: boolean;
        readonly directSecrets: boolean;
    };
    readonly certManager: {
        readonly enabled: boolean;
        /**
         * Install cert-manager's chart (default), or use the cluster's own cert-manager: Red Hat's cert-manager Operator
         * runs its operand in the hard-coded namespace `cert-manager`, and two cert-managers must never run on one
         * cluster (openshift/cert-manager-operator README; cert-manager's OpenShift install docs).
         */
        readonly install: boolean;
        readonly issuer: "selfSigned" | "acme";
        readonly acmeEmail?: string;
        readonly acmeServer: string;
        /** DNS domain of the UIs' certificates (default apps.<cluster>.local). */
        readonly domain?: string;
        /** The cert-manager chart, pinned: the provider otherwise resolves the newest chart on every run. */
        readonly chartVersion: string;
        readonly chartRepository: string;
    };
    /** The NIM model served on GPU clusters (nim-cache, nim-llm). */
    readonly serving: ServingConfig & { readonly storageClassExists: boolean };
    readonly gpuDriver: GpuDriverConfig;
    /** Enabled components in catalog order, extra components last. */
    readonly components: readonly ClusterComponent[];
    /** Catalog components that are off on this cluster, and why. */
    readonly disabled: readonly { readonly name: string; readonly why: string }[];
    /** Secrets that an enabled component needs. */
    readonly secrets: readonly PlatformSecret[];
}

export type { TierNumber };
