import { CatalogComponent } from "./types";

const ns = "CreateNamespace=true";
// OLM installs these CRDs through a CSV, outside the Application's own sync, so Argo CD's dry run would fail
// with "the server could not find the requested resource" until the operator is up.
const crdFromOperator = "SkipDryRunOnMissingResource=true";
const min = 60;

/**
 * The seed's 23 Argo CD Applications (`seed/wave-table.tsv`) as typed data, plus `nim-cache` (catalogAdditions).
 * Waves, tiers and dependencies are the seed's, with the fixes listed in seedEdgeChanges, and `tetragon` at wave 0,
 * not -1 (see its entry).
 */
export const catalog: readonly CatalogComponent[] = [
    {
        // Its credential is a SealedSecret (Argo CD's repo-creds for an OCI chart registry): it needs the controller and
        // its CRD, so it comes after sealed-secrets-controller, not first as in the seed (seedEdgeChanges).
        name: "argocd-config", tier: 1, declaredWave: -5, namespace: "openshift-gitops", path: "apps/argocd-config",
        deploys: "OCI registry credential (repo-creds) for ArgoCD", dependsOn: ["sealed-secrets-controller"], gpuOnly: false,
        ready: "every SealedSecret Synced (unsealed into its Secret)", healthTimeoutSeconds: 5 * min, estimateSeconds: 15,
        holdsData: false, syncOptions: [],
        writes: ["bitnami.com/SealedSecret"],
        shipsCrds: false,
        content: "directory",
    },
    {
        // Cluster-scoped objects only; a destination namespace keeps the AppProject's destination list exact.
        name: "platform-idms", tier: 1, declaredWave: -10, namespace: "openshift-config", path: "apps/platform-idms",
        deploys: "IDMS/ITMS manifests for disconnected image resolution", dependsOn: [], gpuOnly: false,
        ready: "ImageDigestMirrorSet/ImageTagMirrorSet applied (the MachineConfig rollout follows)",
        healthTimeoutSeconds: 30 * min, estimateSeconds: 120, holdsData: false, syncOptions: [],
        writes: ["config.openshift.io/ImageDigestMirrorSet", "config.openshift.io/ImageTagMirrorSet"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "sealed-secrets-controller", tier: 1, declaredWave: -8, namespace: "sealed-secrets",
        path: "apps/sealed-secrets-controller", deploys: "Sealed Secrets controller operator",
        dependsOn: ["platform-idms"], gpuOnly: false, ready: "controller Deployment available",
        healthTimeoutSeconds: 10 * min, estimateSeconds: 90, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "ServiceAccount", "apps/Deployment", "Service", "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding", "apiextensions.k8s.io/CustomResourceDefinition"],
        shipsCrds: true,
        content: "helm",
        provides: ["bitnami.com/SealedSecret"],
    },
    {
        name: "platform-catalogsources", tier: 1, declaredWave: -5, namespace: "openshift-marketplace",
        path: "apps/platform-catalogsources", deploys: "Red Hat + Certified operator CatalogSources",
        dependsOn: ["platform-idms"], gpuOnly: false, ready: "CatalogSources report READY",
        healthTimeoutSeconds: 15 * min, estimateSeconds: 150, holdsData: false, syncOptions: [],
        writes: ["operators.coreos.com/CatalogSource"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "sealed-secrets", tier: 1, declaredWave: -5, namespace: "sealed-secrets", path: "apps/sealed-secrets",
        deploys: "Common SealedSecrets (Splunk, Hubble, Intersight)", dependsOn: ["sealed-secrets-controller"],
        gpuOnly: false, ready: "every SealedSecret Synced (unsealed into its Secret)",
        healthTimeoutSeconds: 5 * min, estimateSeconds: 20, holdsData: false, syncOptions: [ns],
        writes: ["bitnami.com/SealedSecret"],
        shipsCrds: false,
        content: "directory",
    },
    {
        name: "sealed-secrets-gpu", tier: 3, declaredWave: -5, namespace: "nim", path: "apps/sealed-secrets-gpu",
        deploys: "GPU SealedSecrets (NGC API key, NGC image pull secret)", dependsOn: ["sealed-secrets-controller"],
        gpuOnly: true, ready: "every SealedSecret Synced (unsealed into its Secret)",
        healthTimeoutSeconds: 5 * min, estimateSeconds: 20, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "bitnami.com/SealedSecret"],
        shipsCrds: false,
        content: "directory",
    },
    {
        name: "nfd-operator", tier: 3, declaredWave: -3, namespace: "openshift-nfd", path: "apps/nfd-operator", clusterMonitoring: true,
        deploys: "Node Feature Discovery operator (OLM)", dependsOn: ["platform-catalogsources"], gpuOnly: true,
        ready: "ClusterServiceVersion Succeeded", healthTimeoutSeconds: 20 * min,
        estimateSeconds: 180, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "operators.coreos.com/OperatorGroup", "operators.coreos.com/Subscription"],
        shipsCrds: false,
        content: "kustomize",
        provides: ["nfd.openshift.io/NodeFeatureDiscovery"],
    },
    {
        name: "hubble-timescape-scc", tier: 2, declaredWave: -2, namespace: "hubble-timescape", path: "apps/hubble-timescape-scc",
        deploys: "SecurityContextConstraints for Hubble Timescape pods", dependsOn: [], gpuOnly: false,
        ready: "SecurityContextConstraints exist", healthTimeoutSeconds: 5 * min, estimateSeconds: 10,
        holdsData: false, syncOptions: [],
        writes: ["security.openshift.io/SecurityContextConstraints", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/RoleBinding"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        // The GPU operator labels its namespace for cluster monitoring itself (controllers/state_manager.go); the label
        // is set here too, so the ServiceMonitor is scraped from the first sync.
        name: "gpu-operator", tier: 3, declaredWave: -2, namespace: "nvidia-gpu-operator", path: "apps/gpu-operator", clusterMonitoring: true,
        deploys: "NVIDIA GPU Operator (OLM: driver, device plugin, DCGM)",
        dependsOn: ["platform-catalogsources", "nfd-operator"], gpuOnly: true,
        ready: "ClusterServiceVersion Succeeded and the ClusterPolicy CRD served", healthTimeoutSeconds: 20 * min,
        estimateSeconds: 240, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "operators.coreos.com/OperatorGroup", "operators.coreos.com/Subscription"],
        shipsCrds: false,
        content: "kustomize",
        provides: ["nvidia.com/ClusterPolicy"],
    },
    {
        name: "lvms-operator", tier: 1, declaredWave: -1, namespace: "openshift-storage", path: "apps/lvms-operator", clusterMonitoring: true,
        deploys: "LVM Storage operator (OLM) + LVMCluster CR", dependsOn: ["platform-catalogsources"],
        gpuOnly: false, ready: "LVMCluster status.state Ready", healthTimeoutSeconds: 30 * min,
        estimateSeconds: 420, holdsData: true, syncOptions: [ns, crdFromOperator],
        writes: ["Namespace", "operators.coreos.com/OperatorGroup", "operators.coreos.com/Subscription", "lvm.topolvm.io/LVMCluster"],
        shipsCrds: false,
        content: "kustomize",
        provides: ["lvm.topolvm.io/LVMCluster"],
    },
    {
        name: "tetragon-catalogsource", tier: 2, declaredWave: -1, namespace: "openshift-marketplace",
        path: "apps/tetragon-catalogsource", deploys: "Tetragon Enterprise CatalogSource",
        dependsOn: ["platform-catalogsources"], gpuOnly: false, ready: "CatalogSource READY",
        healthTimeoutSeconds: 10 * min, estimateSeconds: 90, holdsData: false, syncOptions: [],
        writes: ["operators.coreos.com/CatalogSource"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "clickhouse-operator", tier: 2, declaredWave: -1, namespace: "clickhouse-operator",
        path: "apps/clickhouse-operator", deploys: "Altinity ClickHouse Operator (Helm)",
        dependsOn: ["platform-catalogsources"], gpuOnly: false, ready: "operator Deployment available",
        healthTimeoutSeconds: 10 * min, estimateSeconds: 120, holdsData: true, syncOptions: [ns],
        writes: ["Namespace", "ServiceAccount", "apps/Deployment", "Service", "ConfigMap", "Secret", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding", "apiextensions.k8s.io/CustomResourceDefinition"],
        shipsCrds: true,
        content: "helm",
        provides: ["clickhouse.altinity.com/ClickHouseInstallation"],
    },
    {
        // The seed puts tetragon in wave -1 with its own CatalogSource, so Argo CD applies both together and the
        // Subscription can resolve against a catalog that is not READY yet. One wave later fixes the order.
        name: "tetragon", tier: 2, declaredWave: 0, namespace: "tetragon", path: "apps/tetragon",
        deploys: "Tetragon operator (OLM) + TracingPolicies", dependsOn: ["tetragon-catalogsource"], gpuOnly: false,
        ready: "ClusterServiceVersion Succeeded and the DaemonSet available", healthTimeoutSeconds: 20 * min,
        estimateSeconds: 240, holdsData: false, syncOptions: [ns, crdFromOperator],
        writes: ["Namespace", "operators.coreos.com/OperatorGroup", "operators.coreos.com/Subscription", "ConfigMap", "cilium.io/TracingPolicy"],
        shipsCrds: false,
        content: "kustomize",
        provides: ["cilium.io/TracingPolicy"],
    },
    {
        name: "cilium-config", tier: 2, declaredWave: -1, namespace: "cilium", path: "apps/cilium-config",
        deploys: "Cilium Hubble flow export (a partial CiliumConfig, server-side applied)", dependsOn: [], gpuOnly: false,
        ready: "CiliumConfig fields applied",
        healthTimeoutSeconds: 5 * min, estimateSeconds: 10, holdsData: false, syncOptions: [],
        precondition: "Cilium CNI installed at Day 1 (Isovalent's operator and its CiliumConfig)",
        writes: ["cilium.io/CiliumConfig"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "hubble-timescape", tier: 2, declaredWave: 0, namespace: "hubble-timescape",
        path: "apps/hubble-timescape", deploys: "Hubble Timescape (Helm: server, ingester, UI, trimmer)",
        dependsOn: ["clickhouse-operator", "hubble-timescape-scc", "sealed-secrets"], gpuOnly: false,
        ready: "ClickHouseInstallation Completed and server, ingester and UI available",
        healthTimeoutSeconds: 30 * min, estimateSeconds: 360, holdsData: true, syncOptions: [ns, crdFromOperator],
        writes: ["Namespace", "ServiceAccount", "apps/Deployment", "apps/StatefulSet", "Service", "ConfigMap", "Secret", "route.openshift.io/Route", "rbac.authorization.k8s.io/RoleBinding", "batch/CronJob", "clickhouse.altinity.com/ClickHouseInstallation"],
        shipsCrds: false,
        content: "helm",
    },
    {
        name: "nfd-instance", tier: 3, declaredWave: 0, namespace: "openshift-nfd", path: "apps/nfd-instance",
        deploys: "NodeFeatureDiscovery CR (activates feature detection)", dependsOn: ["nfd-operator"], gpuOnly: true,
        ready: "NodeFeatureDiscovery Available; nodes carry feature labels", healthTimeoutSeconds: 15 * min,
        estimateSeconds: 120, holdsData: false, syncOptions: [crdFromOperator],
        writes: ["nfd.openshift.io/NodeFeatureDiscovery"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "vector-exporter", tier: 2, declaredWave: 1, namespace: "hubble-timescape", path: "apps/vector-exporter",
        deploys: "Vector DaemonSet (pushes Hubble flows to Timescape)", dependsOn: ["hubble-timescape", "sealed-secrets"],
        gpuOnly: false, ready: "DaemonSet available on every node", healthTimeoutSeconds: 10 * min,
        estimateSeconds: 90, holdsData: false, syncOptions: [],
        writes: ["ServiceAccount", "apps/DaemonSet", "ConfigMap", "Service", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding", "security.openshift.io/SecurityContextConstraints"],
        shipsCrds: false,
        content: "helm",
    },
    {
        name: "gpu-cluster-policy", tier: 3, declaredWave: 1, namespace: "nvidia-gpu-operator",
        path: "apps/gpu-cluster-policy", deploys: "GPU ClusterPolicy CR (driver config, MIG, DCGM)",
        // nfd-instance too: the GPU operator reports "ready" with reason NFDLabelsMissing when no node carries NFD
        // labels yet (NVIDIA/gpu-operator controllers/clusterpolicy_controller.go L237-249). The seed ordered the two
        // by wave (0 < 1); the edge makes it explicit.
        dependsOn: ["gpu-operator", "nfd-instance"], gpuOnly: true,
        ready: "ClusterPolicy status.state ready (driver built and loaded, device plugin registered)",
        // A driver build per node on first install takes far longer than Pulumi's 10-minute default.
        healthTimeoutSeconds: 60 * min, estimateSeconds: 900, holdsData: false, syncOptions: [crdFromOperator],
        writes: ["nvidia.com/ClusterPolicy"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "nim-operator", tier: 3, declaredWave: 1, namespace: "nim-operator", path: "apps/nim-operator",
        // A Helm install (NVIDIA/k8s-nim-operator deployments/helm/k8s-nim-operator; an OLM package, nim-operator-certified,
        // exists too but installs AllNamespaces only): nothing in
        // the chart needs the GPU operator (its NodeFeatureRule is off by default, values.yaml nfd.nodeFeatureRules).
        // Its images resolve through the mirrors. The admission webhook's TLS needs cert-manager: with
        // certManager.enabled it waits for cert-manager, otherwise the webhook is off (stacks/parse.ts).
        deploys: "NVIDIA NIM Operator (Helm, admission controller)", dependsOn: ["platform-idms"],
        gpuOnly: true, ready: "operator (and admission webhook, with cert-manager) available", healthTimeoutSeconds: 15 * min,
        estimateSeconds: 150, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "ServiceAccount", "apps/Deployment", "Service", "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding", "apiextensions.k8s.io/CustomResourceDefinition", "admissionregistration.k8s.io/ValidatingWebhookConfiguration", "cert-manager.io/Certificate", "cert-manager.io/Issuer"],
        shipsCrds: true,
        content: "helm",
        provides: ["apps.nvidia.com/NIMCache", "apps.nvidia.com/NIMService"],
    },
    {
        name: "splunk-otel", tier: 4, declaredWave: 1, namespace: "splunk-otel", path: "apps/splunk-otel",
        deploys: "Splunk OTel Collector (agent + cluster receiver)", dependsOn: ["sealed-secrets"], gpuOnly: false,
        ready: "agent DaemonSet and cluster receiver available", healthTimeoutSeconds: 10 * min,
        estimateSeconds: 120, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "ServiceAccount", "apps/DaemonSet", "apps/Deployment", "ConfigMap", "Service", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding", "security.openshift.io/SecurityContextConstraints"],
        shipsCrds: false,
        content: "helm",
    },
    {
        name: "intersight-otel", tier: 4, declaredWave: 1, namespace: "intersight-otel", path: "apps/intersight-otel",
        deploys: "Intersight metrics (intersight-otel polling Intersight's API) through an OTel Collector to Splunk", dependsOn: ["sealed-secrets"], gpuOnly: false,
        ready: "collector Deployment available", healthTimeoutSeconds: 10 * min, estimateSeconds: 90,
        holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "ServiceAccount", "apps/Deployment", "ConfigMap", "Service", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding"],
        shipsCrds: false,
        content: "helm",
    },
    {
        // The model download, split out of nim-llm so that it overlaps the driver build: a CPU-only Job
        // (k8s-nim-operator internal/controller/nimcache_controller.go constructJob: no nvidia.com/gpu request). It
        // needs the operator (CRD and validating webhook), the cache's StorageClass (LVMS), the NGC secrets, and NFD's
        // PCI label for its default nodeSelector (nimcache_types.go GetNodeSelectors), which also lands the job, and
        // with LVMS the volume, on the GPU node the NIMService will run on. Profiles must be pinned (stacks/parse.ts).
        name: "nim-cache", tier: 3, declaredWave: 2, namespace: "nim", path: "apps/nim-cache",
        deploys: "NIMCache: the NIM model downloaded into a volume, before any GPU driver",
        dependsOn: ["nim-operator", "lvms-operator", "sealed-secrets-gpu", "nfd-instance"], gpuOnly: true,
        ready: "NIMCache status.state Ready (the caching Job succeeded)",
        // An 8B model over a ~100 Mb/s link to NGC: ~21 min (docs/time-to-serving.md, from the research's sources).
        healthTimeoutSeconds: 90 * min, estimateSeconds: 21 * min, holdsData: true, syncOptions: [],
        writes: ["apps.nvidia.com/NIMCache"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "nim-llm", tier: 3, declaredWave: 3, namespace: "nim", path: "apps/nim-llm",
        deploys: "NIM LLM inference service (NIMService on the model cache)", dependsOn: ["nim-cache", "gpu-cluster-policy"],
        gpuOnly: true, ready: "NIMService Ready (serving from the cache)",
        // From a ready cache a NIMService starts in ~1.5 min (81 s measured, awslabs/ai-on-eks NIM blueprint); the
        // operator's default startup probe allows ~20.5 min (nimservice_types.go GetDefaultStartupProbe).
        healthTimeoutSeconds: 30 * min, estimateSeconds: 90, holdsData: false, syncOptions: [ns],
        writes: ["Namespace", "apps.nvidia.com/NIMService"],
        shipsCrds: false,
        content: "kustomize",
    },
    {
        name: "splunk-reporter", tier: 4, declaredWave: 2, namespace: "splunk-otel", path: "apps/splunk-reporter",
        deploys: "Splunk Dashboard updater CronJob", dependsOn: ["splunk-otel", "sealed-secrets"], gpuOnly: false,
        ready: "CronJob exists", healthTimeoutSeconds: 5 * min, estimateSeconds: 15, holdsData: false, syncOptions: [],
        writes: ["ServiceAccount", "batch/CronJob"],
        shipsCrds: false,
        content: "kustomize",
    },
];

/**
 * Where the catalog's edges differ from the seed's table, and why. Everything else is the seed's
 * (`test/catalog.test.ts` checks both).
 */
export const seedEdgeChanges: readonly { readonly component: string; readonly added: readonly string[]; readonly removed: readonly string[]; readonly why: string }[] = [
    {
        component: "argocd-config", added: ["sealed-secrets-controller"], removed: [],
        why: "it delivers a SealedSecret: the seed applied it first (wave -15), before the controller and its CRD existed, so Argo CD's dry run fails on the unknown kind",
    },
    {
        component: "platform-idms", added: [], removed: ["argocd-config"],
        why: "the mirrors need nothing of Argo CD's credential, and argocd-config now waits for the controller, which waits for the mirrors",
    },
    {
        component: "gpu-cluster-policy", added: ["nfd-instance"], removed: [],
        why: "the ClusterPolicy reports ready (NFDLabelsMissing) before any node carries NFD labels; the seed ordered the two by wave only",
    },
    {
        component: "nim-operator", added: ["platform-idms"], removed: ["platform-catalogsources", "gpu-operator"],
        why: "a Helm install: no OLM catalog, nothing in the chart needs the GPU operator; its images resolve through the mirrors",
    },
    {
        component: "nim-llm", added: ["nim-cache"], removed: ["nim-operator", "sealed-secrets-gpu"],
        why: "the NIMService serves from the nim-cache model cache, which already waits for the operator and the NGC secrets",
    },
];

/** Components the catalog adds to the seed's 23, and why. */
export const catalogAdditions: readonly { readonly name: string; readonly why: string }[] = [
    { name: "nim-cache", why: "the model download (NIMCache) runs beside the GPU driver build instead of after it" },
];
