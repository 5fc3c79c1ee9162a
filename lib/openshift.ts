/**
 * What changes with the OpenShift minor release a cluster runs: the Kubernetes version it ships, the operator
 * index tags, the LVM Storage channel and namespace, the NFD operand image, and the API versions a chart sees.
 * Pure data: `openshift.version` in the stack config picks one row.
 */

export interface OpenShiftRelease {
    /** "4.18" */
    readonly version: string;
    /** The Kubernetes release it ships (OpenShift release notes, "About this release"). */
    readonly kubernetes: string;
    /** Tag of registry.redhat.io/redhat/{redhat,certified}-operator-index: one index per minor release. */
    readonly indexTag: string;
    /** LVM Storage's OLM channel: one per minor release (openshift/lvm-operator bundle annotations, `stable-4.<minor>`). */
    readonly lvmsChannel: string;
    /** The NFD operand image, set on the NodeFeatureDiscovery (release-4.16 of the operator has no fallback). */
    readonly nfdOperandImage: string;
}

const minors = [16, 17, 18, 19, 20] as const;

/** The releases the content supports, oldest first. */
export const openshiftReleases: readonly OpenShiftRelease[] = minors.map((m) => ({
    version: `4.${m}`,
    // 4.16 ships Kubernetes 1.29; each minor after it moves one Kubernetes minor on. Written as Argo CD 3.0-3.3 pass it to
    // `helm template --kube-version`: "<major>.<minor>" (gitops-engine pkg/utils/kube/ctl.go `GetServerVersion`).
    kubernetes: `1.${m + 13}`,
    indexTag: `v4.${m}`,
    lvmsChannel: `stable-4.${m}`,
    nfdOperandImage: `registry.redhat.io/openshift4/ose-node-feature-discovery-rhel9:v4.${m}`,
}));

export const defaultOpenShiftVersion = "4.18";

export function openshiftRelease(version: string): OpenShiftRelease | undefined {
    return openshiftReleases.find((r) => r.version === version);
}

/** Kinds a chart may ask for by `group/version/Kind`, per group/version an OpenShift 4 cluster serves. */
const served: Readonly<Record<string, readonly string[]>> = {
    "v1": ["ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume", "PersistentVolumeClaim", "Pod",
        "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount"],
    "apps/v1": ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
    "batch/v1": ["CronJob", "Job"],
    "autoscaling/v1": ["HorizontalPodAutoscaler"],
    "autoscaling/v2": ["HorizontalPodAutoscaler"],
    "policy/v1": ["PodDisruptionBudget"],
    "rbac.authorization.k8s.io/v1": ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    "networking.k8s.io/v1": ["Ingress", "IngressClass", "NetworkPolicy"],
    "storage.k8s.io/v1": ["CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment"],
    "scheduling.k8s.io/v1": ["PriorityClass"],
    "apiextensions.k8s.io/v1": ["CustomResourceDefinition"],
    "admissionregistration.k8s.io/v1": ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"],
    "coordination.k8s.io/v1": ["Lease"],
    "discovery.k8s.io/v1": ["EndpointSlice"],
    "apiregistration.k8s.io/v1": ["APIService"],
    "certificates.k8s.io/v1": ["CertificateSigningRequest"],
    "events.k8s.io/v1": ["Event"],
    "node.k8s.io/v1": ["RuntimeClass"],
    "flowcontrol.apiserver.k8s.io/v1": ["FlowSchema", "PriorityLevelConfiguration"],
    "apps.openshift.io/v1": ["DeploymentConfig"],
    "authorization.openshift.io/v1": ["RoleBindingRestriction"],
    "build.openshift.io/v1": ["Build", "BuildConfig"],
    "config.openshift.io/v1": ["ClusterOperator", "ClusterVersion", "ImageDigestMirrorSet", "ImageTagMirrorSet", "Infrastructure", "Proxy"],
    "console.openshift.io/v1": ["ConsoleLink", "ConsolePlugin"],
    "image.openshift.io/v1": ["Image", "ImageStream", "ImageStreamTag"],
    "machineconfiguration.openshift.io/v1": ["MachineConfig", "MachineConfigPool"],
    "monitoring.coreos.com/v1": ["Alertmanager", "PodMonitor", "Probe", "Prometheus", "PrometheusRule", "ServiceMonitor", "ThanosRuler"],
    "oauth.openshift.io/v1": ["OAuthClient"],
    "operator.openshift.io/v1": ["IngressController", "Network"],
    "operators.coreos.com/v1": ["OperatorGroup", "OperatorCondition"],
    "operators.coreos.com/v1alpha1": ["CatalogSource", "ClusterServiceVersion", "InstallPlan", "Subscription"],
    "project.openshift.io/v1": ["Project"],
    "quota.openshift.io/v1": ["ClusterResourceQuota"],
    "route.openshift.io/v1": ["Route"],
    "security.openshift.io/v1": ["RangeAllocation", "SecurityContextConstraints"],
    "template.openshift.io/v1": ["Template"],
    "user.openshift.io/v1": ["Group", "Identity", "User"],
};

/**
 * API versions as Argo CD passes them to `helm template --api-versions`: each served group/version and each
 * `group/version/Kind`, sorted (argoproj/argo-cd util/argo/argo.go `APIResourcesToStrings` @ v3.0.23). OpenShift's
 * own groups plus the kinds the stack's components install (`extra`, as `group/version/Kind`).
 */
export function apiVersions(extra: readonly string[] = []): string[] {
    const out = new Set<string>();
    for (const [gv, kinds] of Object.entries(served)) {
        out.add(gv);
        for (const k of kinds) out.add(`${gv}/${k}`);
    }
    for (const e of extra) {
        out.add(e.slice(0, e.lastIndexOf("/")));
        out.add(e);
    }
    return [...out].sort();
}
