/**
 * What the platform's content needs, read from the objects each component renders, and whether the graph gives it
 * before the component syncs. Pure: rendering (kubectl kustomize, the charts' files) is cli/render.ts's job.
 */

export interface ContentObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
    [key: string]: unknown;
}

/** One component as rendered: its objects (Kustomize, directory) or its chart and values (Helm: not renderable offline). */
export interface RenderedComponent {
    readonly name: string;
    readonly content: "kustomize" | "directory" | "helm";
    /** The Application's destination namespace: where a namespaced object without one lands. */
    readonly namespace?: string;
    readonly objects: readonly { readonly object: ContentObject; readonly file: string }[];
    readonly chart?: { readonly name: string; readonly version: string; readonly repository: string; readonly values: unknown; readonly file: string; readonly rendered?: boolean; readonly renderKey?: string };
    /** One line each: why a chart was not rendered, a dependency left out of the render. */
    readonly notes?: readonly string[];
}

export type NeedKind = "namespace" | "crd" | "secret" | "storageClass";

export interface Need {
    readonly component: string;
    readonly kind: NeedKind;
    /** `ns` for a namespace, `group/Kind` for a CRD, `ns/name` for a Secret, the name of a StorageClass. */
    readonly what: string;
    readonly file: string;
}

/** Who provides what. `bootstrap` and `cluster` are met before any component. */
export interface Providers {
    readonly namespaces: ReadonlyMap<string, string>;
    readonly crds: ReadonlyMap<string, string>;
    readonly secrets: ReadonlyMap<string, string>;
    readonly storageClasses: ReadonlyMap<string, string>;
}

export const before = new Set(["bootstrap", "cluster"]);

/**
 * Kind order within a wave, as Argo CD applies (argoproj/argo-cd gitops-engine/pkg/sync/sync_tasks.go `kindOrder`
 * @ 2c6e46a9a9ba, unchanged @ 37ee0097cf85: test/schemas/argo-cd-sync-tasks-order.go.txt); kinds it does not list
 * come after all of these.
 */
export const kindOrder = [
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount",
    "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
    "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
    "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
];

/** sync_tasks.go `syncPhaseOrder`: PreSync, Sync (also objects without a hook), PostSync, SyncFail; other hooks last. */
const phaseRank = (o: ContentObject) => {
    const hook = o.metadata.annotations?.["argocd.argoproj.io/hook"] ?? "Sync";
    const i = ["PreSync", "Sync", "PostSync", "SyncFail"].indexOf(hook);
    return i < 0 ? 4 : i;
};
const wave = (o: ContentObject) => Number(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
const kindRank = (o: ContentObject) => {
    const i = kindOrder.indexOf(o.kind);
    return i < 0 ? kindOrder.length : i;
};
/** Go's string order (bytes), as `a.GetName() < b.GetName()` compares: not the locale's. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Objects in the order Argo CD applies them (sync_tasks.go `Less`): phase, sync wave, kind, name. Objects equal on
 * all four (two unlisted kinds with one name) are in no defined order there; here the kind decides, so the order is
 * stable. (Argo CD then moves a Namespace or a CRD before the first object that needs it, `adjustDeps`; the
 * kind order already puts them first within a wave.)
 */
export function applyOrder<T extends { object: ContentObject }>(objects: readonly T[]): T[] {
    return [...objects].sort((a, b) => phaseRank(a.object) - phaseRank(b.object) || wave(a.object) - wave(b.object)
        || kindRank(a.object) - kindRank(b.object) || byBytes(a.object.metadata.name, b.object.metadata.name) || byBytes(a.object.kind, b.object.kind));
}

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "");

/**
 * API groups the cluster serves without any component: Kubernetes' own groups that have a GA version (served by
 * default; beta and alpha APIs are off unless enabled, KEP-3136) but resource.k8s.io (GA only since Kubernetes 1.34,
 * OpenShift 4.21), and OpenShift's.
 */
const clusterGroups = new Set([
    "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
    "scheduling.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
    "apiregistration.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "node.k8s.io",
    "config.openshift.io", "security.openshift.io", "route.openshift.io", "operators.coreos.com", "console.openshift.io",
    "monitoring.coreos.com", "machineconfiguration.openshift.io", "image.openshift.io",
]);

/**
 * Names of Secrets an object refers to, wherever Kubernetes or the platform's operators take one. Arrays are walked as
 * objects: their items come under the keys "0", "1"..., which no field name below matches.
 */
function secretNames(value: unknown, out: Set<string>): void {
    if (!value || typeof value !== "object") return;
    // A field of a primitive or of null (YAML's "~") is undefined: no name.
    const field = (x: unknown, f: string) => (x as Record<string, unknown> | null | undefined)?.[f];
    const name = (x: unknown) => { const n = field(x, "name"); return typeof n === "string" ? n : undefined; };
    for (const [k, v] of Object.entries(value)) {
        if ((k === "secretKeyRef" || k === "secretRef") && name(v)) out.add(name(v)!);
        else if (k === "imagePullSecrets" && Array.isArray(v)) v.forEach((x) => name(x) && out.add(name(x)!));
        // A volume's secret.secretName (core/v1 SecretVolumeSource). A cert-manager Certificate's spec.secretName is not
        // read: it is the Secret the Certificate writes ("certificate is stored in the Kubernetes Secret resource named
        // in `spec.secretName`", cert-manager deploy/crds/crd-certificates.yaml @ a39748ae7744).
        else if (k === "secret" && typeof field(v, "secretName") === "string") out.add(field(v, "secretName") as string);
        // NIMService/NIMCache (apps.nvidia.com): authSecret, pullSecret, image.pullSecrets; charts: existingSecret.
        else if ((k === "authSecret" || k === "pullSecret" || k === "existingSecret") && typeof v === "string" && v !== "") out.add(v);
        else if (k === "pullSecrets" && Array.isArray(v)) v.forEach((x) => (typeof x === "string" ? out.add(x) : name(x) && out.add(name(x)!)));
        // A chart's "use this Secret" switch (splunk-otel-collector: secret.create false, secret.name).
        else if (k === "secret" && field(v, "create") === false && name(v)) out.add(name(v)!);
        secretNames(v, out);
    }
}

/** StorageClasses an object asks for (PVCs, claim templates, the NIM cache); arrays walked as objects, as above. */
function storageClasses(value: unknown, out: Set<string>): void {
    if (!value || typeof value !== "object") return;
    for (const [k, v] of Object.entries(value)) {
        // "" asks for a PersistentVolume of no class, so no StorageClass (kubernetes.io/docs/concepts/storage/persistent-volumes#class-1,
        // linked from the API's PersistentVolumeClaimSpec.storageClassName).
        if ((k === "storageClassName" || k === "storageClass") && typeof v === "string" && v !== "") out.add(v);
        else storageClasses(v, out);
    }
}

/** What one rendered component needs: namespaces it writes to, custom kinds it creates, Secrets and StorageClasses it uses. */
export function needsOf(rc: RenderedComponent, namespaced: (apiVersion: string, kind: string) => boolean): Need[] {
    const needs: Need[] = [];
    const add = (kind: NeedKind, what: string, file: string) => {
        if (!needs.some((n) => n.kind === kind && n.what === what)) needs.push({ component: rc.name, kind, what, file });
    };
    for (const { object: o, file } of rc.objects) {
        const ns = namespaced(o.apiVersion, o.kind) ? o.metadata.namespace ?? rc.namespace : undefined;
        if (ns) add("namespace", ns, file);
        const group = groupOf(o.apiVersion);
        if (!clusterGroups.has(group)) add("crd", `${group}/${o.kind}`, file);
        const secrets = new Set<string>();
        secretNames(o, secrets);
        for (const s of secrets) if (ns) add("secret", `${ns}/${s}`, file);
        const classes = new Set<string>();
        storageClasses(o, classes);
        for (const c of classes) add("storageClass", c, file);
    }
    if (rc.chart && rc.namespace) {
        add("namespace", rc.namespace, rc.chart.file);
        const secrets = new Set<string>();
        secretNames(rc.chart.values, secrets);
        for (const s of secrets) add("secret", `${rc.namespace}/${s}`, rc.chart.file);
        const classes = new Set<string>();
        storageClasses(rc.chart.values, classes);
        for (const c of classes) add("storageClass", c, rc.chart.file);
    }
    return needs;
}

/** Secrets a component renders itself (a Secret object, or a SealedSecret that unseals into one). */
export function deliveredSecrets(rc: RenderedComponent): string[] {
    return rc.objects.filter(({ object: o }) => o.kind === "Secret" || o.kind === "SealedSecret")
        .map(({ object: o }) => `${o.metadata.namespace ?? rc.namespace}/${o.metadata.name}`);
}

const noun: Record<NeedKind, string> = { namespace: "namespace", crd: "the CRD of", secret: "Secret", storageClass: "StorageClass" };

/**
 * Every need must be met by the component itself, the bootstrap or the cluster, or a component upstream in the
 * graph; otherwise one line naming both components and the dependsOn to add (or that nothing provides it).
 */
export function checkNeeds(needs: readonly Need[], providers: Providers, upstream: (component: string) => ReadonlySet<string>, keyOf: (component: string) => string): string[] {
    const problems: string[] = [];
    const table: Record<NeedKind, ReadonlyMap<string, string>> = {
        namespace: providers.namespaces, crd: providers.crds, secret: providers.secrets, storageClass: providers.storageClasses,
    };
    for (const n of needs) {
        if (n.kind === "crd" && clusterGroups.has(n.what.split("/")[0])) continue;
        const by = table[n.kind].get(n.what);
        if (by === undefined) {
            problems.push(`${n.file}: ${n.component} needs ${noun[n.kind]} ${n.what}, which no component, nor the bootstrap, provides; ` +
                (n.kind === "secret" ? "add it to the catalog's platform secrets or deliver it in the component" : "add the component that provides it"));
            continue;
        }
        if (by === n.component || before.has(by) || upstream(n.component).has(by)) continue;
        problems.push(`${n.file}: ${n.component} needs ${noun[n.kind]} ${n.what}, which ${by} provides, but ${n.component} does not depend on ${by}; ` +
            `add ${JSON.stringify(by)} to ${keyOf(n.component)}.dependsOn`);
    }
    return problems;
}
