import type { ClusterConfig } from "../stacks/types";
import { managedByLabel } from "./application";
import type { NamespaceEntry } from "./namespaces";

/**
 * Which kinds Argo CD's application controller may write where, on OpenShift GitOps, and what the program must add.
 *
 * A cluster-scoped instance's controller gets the operator's cluster-config role
 * (redhat-developer/gitops-operator controllers/argocd/openshift/openshift.go `policyRulesForClusterConfig`): read
 * on everything, write only on the groups below. In a namespace labelled `argocd.argoproj.io/managed-by: <instance
 * namespace>` it also gets a Role with the rules of the cluster's `admin` ClusterRole (openshift.go `ReconcilerHook`,
 * case *rbacv1.Role; argoproj-labs/argocd-operator controllers/argocd/role.go). Everything else is the program's
 * ClusterRole, derived here from what the components write.
 */

export interface KindInfo {
    readonly group: string;
    readonly kind: string;
    readonly resource: string;
    readonly namespaced: boolean;
}

/** The kinds the platform's content writes. */
export const kinds: readonly KindInfo[] = [
    ["", "Namespace", "namespaces", false], ["", "Secret", "secrets", true], ["", "ConfigMap", "configmaps", true],
    ["", "Service", "services", true], ["", "ServiceAccount", "serviceaccounts", true],
    ["", "PersistentVolumeClaim", "persistentvolumeclaims", true],
    ["apps", "Deployment", "deployments", true], ["apps", "DaemonSet", "daemonsets", true], ["apps", "StatefulSet", "statefulsets", true],
    ["batch", "Job", "jobs", true], ["batch", "CronJob", "cronjobs", true],
    ["route.openshift.io", "Route", "routes", true],
    ["rbac.authorization.k8s.io", "Role", "roles", true], ["rbac.authorization.k8s.io", "RoleBinding", "rolebindings", true],
    ["rbac.authorization.k8s.io", "ClusterRole", "clusterroles", false], ["rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", false],
    ["apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", false],
    ["admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false],
    ["admissionregistration.k8s.io", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false],
    ["scheduling.k8s.io", "PriorityClass", "priorityclasses", false],
    ["storage.k8s.io", "StorageClass", "storageclasses", false],
    ["security.openshift.io", "SecurityContextConstraints", "securitycontextconstraints", false],
    ["config.openshift.io", "ImageDigestMirrorSet", "imagedigestmirrorsets", false],
    ["config.openshift.io", "ImageTagMirrorSet", "imagetagmirrorsets", false],
    ["operators.coreos.com", "CatalogSource", "catalogsources", true], ["operators.coreos.com", "OperatorGroup", "operatorgroups", true],
    ["operators.coreos.com", "Subscription", "subscriptions", true],
    ["bitnami.com", "SealedSecret", "sealedsecrets", true],
    ["nfd.openshift.io", "NodeFeatureDiscovery", "nodefeaturediscoveries", true],
    ["nvidia.com", "ClusterPolicy", "clusterpolicies", false],
    ["apps.nvidia.com", "NIMService", "nimservices", true], ["apps.nvidia.com", "NIMCache", "nimcaches", true],
    ["lvm.topolvm.io", "LVMCluster", "lvmclusters", true],
    ["cilium.io", "TracingPolicy", "tracingpolicies", false],
    ["cilium.io", "CiliumConfig", "ciliumconfigs", true],
    ["clickhouse.altinity.com", "ClickHouseInstallation", "clickhouseinstallations", true],
    ["cert-manager.io", "Certificate", "certificates", true], ["cert-manager.io", "Issuer", "issuers", true],
].map(([group, kind, resource, namespaced]) => ({ group, kind, resource, namespaced } as KindInfo));

/** `group/Kind`, or `Kind` for the core group: how the catalog names what a component writes. */
export function kindInfo(ref: string): KindInfo {
    const slash = ref.lastIndexOf("/");
    const group = slash < 0 ? "" : ref.slice(0, slash);
    const kind = slash < 0 ? ref : ref.slice(slash + 1);
    const found = kinds.find((k) => k.group === group && k.kind === kind);
    if (!found) throw new Error(`unknown kind ${ref}: add it to lib/rights.ts kinds`);
    return found;
}

/** Groups the cluster-config role may write in every namespace (openshift.go `policyRulesForClusterConfig`). */
const clusterConfigGroups = new Set([
    "operators.coreos.com", "operator.openshift.io", "user.openshift.io", "config.openshift.io", "console.openshift.io",
    "rbac.authorization.k8s.io", "storage.k8s.io", "machine.openshift.io", "machineconfiguration.openshift.io",
]);
/** Core resources the cluster-config role may write everywhere (same rule list). */
const clusterConfigCore = new Set(["namespaces", "persistentvolumeclaims", "persistentvolumes", "configmaps"]);

/**
 * Groups an OpenShift `admin` role writes in a namespace. Custom resources are left out on purpose: whether an
 * operator's kinds aggregate into `admin` depends on how it was installed, so the program grants them itself.
 */
const adminGroups = new Set(["", "apps", "batch", "autoscaling", "networking.k8s.io", "policy", "route.openshift.io", "rbac.authorization.k8s.io"]);

export function defaultRoleAllows(k: KindInfo): boolean {
    return clusterConfigGroups.has(k.group) || (k.group === "" && clusterConfigCore.has(k.resource));
}

/** Whether the controller may write `k` in `namespace` (undefined for a cluster-scoped kind). */
export function controllerMayWrite(k: KindInfo, namespace: string | undefined, managedNamespaces: ReadonlySet<string>, extra: readonly PolicyRule[]): boolean {
    if (defaultRoleAllows(k)) return true;
    if (k.namespaced && namespace !== undefined && managedNamespaces.has(namespace) && adminGroups.has(k.group)) return true;
    return extra.some((r) => r.apiGroups.includes(k.group) && r.resources.includes(k.resource));
}

export interface PolicyRule {
    readonly apiGroups: string[];
    readonly resources: string[];
    readonly verbs: string[];
}

/** A write a component makes: the kind and, for a namespaced kind, where. */
export interface Write {
    readonly component: string;
    readonly kind: KindInfo;
    readonly namespace?: string;
}

/**
 * The program's ClusterRole for the controller: exactly what the writes need that neither the cluster-config role
 * nor an admin Role in a managed namespace gives, one rule per group.
 */
export function extraControllerRules(writes: readonly Write[], managedNamespaces: ReadonlySet<string>): PolicyRule[] {
    const byGroup = new Map<string, Set<string>>();
    for (const w of writes) {
        if (controllerMayWrite(w.kind, w.namespace, managedNamespaces, [])) continue;
        byGroup.set(w.kind.group, new Set([...(byGroup.get(w.kind.group) ?? []), w.kind.resource]));
    }
    return [...byGroup].sort(([a], [b]) => a.localeCompare(b))
        .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: ["*"] }));
}

/** What each enabled component writes, and where. */
export function componentWrites(config: ClusterConfig): Write[] {
    return config.components.flatMap((c) => c.writes.flatMap((ref): Write[] => {
        const kind = kindInfo(ref);
        if (!kind.namespaced) return [{ component: c.name, kind }];
        // A SealedSecret goes where the Secret it unseals into lives.
        if (kind.kind === "SealedSecret") {
            return config.secrets.filter((s) => s.sealedBy === c.name).map((s) => ({ component: c.name, kind, namespace: s.namespace }));
        }
        return [{ component: c.name, kind, ...(c.namespace ? { namespace: c.namespace } : {}) }];
    }));
}

/** Namespaces labelled `argocd.argoproj.io/managed-by` for this instance, and its own namespace. */
export function managedNamespaces(config: ClusterConfig, registry: readonly NamespaceEntry[]): Set<string> {
    return new Set([
        config.argocd.namespace,
        ...config.components.filter((c) => c.namespace && c.syncOptions.includes("CreateNamespace=true")).map((c) => c.namespace!),
        ...registry.filter((e) => e.labels[managedByLabel] === config.argocd.namespace).map((e) => e.name),
    ]);
}
