import type { OpenShiftRelease } from "./openshift";

/**
 * The per-cluster values of the platform's content: what differs between clusters is set by the stack, as Kustomize
 * patches (Kustomize components) or Helm values (Helm components) on the Applications, never by editing apps/.
 */

export type JsonPatchTarget = { readonly group: string; readonly version: string; readonly kind: string; readonly name: string };
export type SitePatch = { readonly target: JsonPatchTarget; readonly patch: string };

const jsonPatch = (target: JsonPatchTarget, ops: readonly unknown[]): SitePatch => ({ target, patch: `${JSON.stringify(ops, null, 1)}\n` });

/** The operator indexes of the cluster's minor release (one index per OpenShift minor: Red Hat's operator catalogs). */
export function catalogSourcePatches(r: OpenShiftRelease): SitePatch[] {
    return ["redhat", "certified"].map((kind) => jsonPatch(
        { group: "operators.coreos.com", version: "v1alpha1", kind: "CatalogSource", name: `saif-${kind}-operators` },
        [{ op: "replace", path: "/spec/image", value: `registry.redhat.io/redhat/${kind}-operator-index:${r.indexTag}` }],
    ));
}

export interface LvmsConfig {
    readonly devicePaths?: readonly string[];
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly defaultStorageClass: boolean;
}

/**
 * LVM Storage for the cluster's release and disks: its channel is `stable-4.<minor>` (openshift/lvm-operator
 * release/hack/render_templates.sh), and without a deviceSelector it takes every unused disk of every node it runs
 * on (LVMCluster CRD, deviceSelector: "If not specified, all available disks are used"). `default: true` would make
 * lvms-vg1 the default StorageClass beside one the cluster may already have: off unless asked for.
 */
/*
 * The namespace stays openshift-storage on every release. From 4.20 the LVMS bundle suggests openshift-lvm-storage
 * (openshift/lvm-operator commit ab05438260c4, "change default namespace"), but the operator runs in whichever
 * namespace its Subscription is in (internal/cluster/namespace.go `GetOperatorNamespace` reads its own pod's) and only
 * requires the LVMCluster beside it (api/v1alpha1/lvmcluster_webhook.go `ValidateCreate`); moving a running
 * LVMCluster to a new namespace would recreate its volume group and the data on it.
 */
export function lvmsPatches(r: OpenShiftRelease, l: LvmsConfig): SitePatch[] {
    const deviceClass: unknown[] = [
        { op: "replace", path: "/spec/storage/deviceClasses/0/default", value: l.defaultStorageClass },
        ...(l.devicePaths ? [{ op: "add", path: "/spec/storage/deviceClasses/0/deviceSelector", value: { paths: [...l.devicePaths] } }] : []),
        ...(l.nodeSelector ? [{
            op: "add", path: "/spec/storage/deviceClasses/0/nodeSelector",
            value: { nodeSelectorTerms: [{ matchExpressions: Object.entries(l.nodeSelector).map(([key, value]) => ({ key, operator: "In", values: [value] })) }] },
        }] : []),
    ];
    return [
        jsonPatch({ group: "operators.coreos.com", version: "v1alpha1", kind: "Subscription", name: "lvms-operator" },
            [{ op: "replace", path: "/spec/channel", value: r.lvmsChannel }]),
        jsonPatch({ group: "lvm.topolvm.io", version: "v1alpha1", kind: "LVMCluster", name: "lvmcluster" }, deviceClass),
    ];
}

/**
 * The NFD operand image of the release: release-4.16 of the operator puts `operand.image` into its DaemonSets as it is
 * (openshift/cluster-nfd-operator controllers/nodefeaturediscovery_controls.go @ release-4.16), so an empty one is an
 * image-less pod the API server refuses; 4.17 and later fall back to the same image.
 */
export function nfdInstancePatches(r: OpenShiftRelease): SitePatch[] {
    return [jsonPatch({ group: "nfd.openshift.io", version: "v1", kind: "NodeFeatureDiscovery", name: "nfd-instance" },
        [{ op: "add", path: "/spec/operand/image", value: r.nfdOperandImage }])];
}

export interface SplunkConfig { readonly endpoint: string; readonly metricsIndex: string; readonly eventsIndex?: string }

/**
 * The Splunk OTel collector's site values: the HEC endpoint, the cluster's name (every metric carries it), and the
 * metrics index: metrics go to `splunkPlatform.metricsIndex` (splunk-otel-collector 0.130.0 values.yaml, and
 * templates/config/_common.tpl `index: {{ .Values.splunkPlatform.metricsIndex }}`), `index` is the logs' index.
 */
export function splunkOtelValues(cluster: string, s: SplunkConfig): Record<string, unknown> {
    return {
        "splunk-otel-collector": {
            clusterName: cluster,
            splunkPlatform: { endpoint: s.endpoint, metricsIndex: s.metricsIndex, ...(s.eventsIndex ? { index: s.eventsIndex } : {}) },
        },
    };
}

/** The reporter's HEC event URL (`/services/collector/event` beside the collector's `/services/collector`) and cluster. */
export function splunkReporterPatches(cluster: string, s: SplunkConfig): SitePatch[] {
    const url = `${s.endpoint.replace(/\/services\/collector(\/.*)?$/, "").replace(/\/$/, "")}/services/collector/event`;
    const env = "/spec/jobTemplate/spec/template/spec/containers/0/env";
    // `test` first: a reordered env list in apps/splunk-reporter fails the build instead of overwriting the token.
    return [jsonPatch({ group: "batch", version: "v1", kind: "CronJob", name: "splunk-reporter" }, [
        { op: "test", path: `${env}/1/name`, value: "SPLUNK_HEC_URL" },
        { op: "replace", path: `${env}/1/value`, value: url },
        { op: "test", path: `${env}/2/name`, value: "CLUSTER" },
        { op: "replace", path: `${env}/2/value`, value: cluster },
    ])];
}

/**
 * The Intersight collector's site values: its metrics carry the cluster's name as the resource attribute
 * k8s.cluster.name (the OpenTelemetry semantic convention), set by a resource processor in its pipeline
 * (opentelemetry-collector chart 0.170.0: `config` is merged over the chart's default config, and a pipeline's
 * processors list replaces the default), and go to the site's Splunk HEC and metrics index (the contrib collector's
 * splunk_hec exporter: `endpoint`, `index`).
 */
export function intersightOtelValues(cluster: string, s?: SplunkConfig): Record<string, unknown> {
    return {
        "opentelemetry-collector": {
            config: {
                processors: { "resource/cluster": { attributes: [{ key: "k8s.cluster.name", value: cluster, action: "upsert" }] } },
                ...(s ? { exporters: { "splunk_hec/platform": { endpoint: s.endpoint, index: s.metricsIndex } } } : {}),
                service: { pipelines: { metrics: { processors: ["memory_limiter", "resource/cluster", "batch"] } } },
            },
        },
    };
}
