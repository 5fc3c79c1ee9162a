import type { ClusterConfig } from "../stacks/types";
import { managedByLabel } from "./application";

/**
 * Every namespace a stack registers, once. Since pulumi-kubernetes 4.29.0 a create of an object that already exists
 * fails with AlreadyExists (CHANGELOG 4.29.0, #2926: client-side create), so:
 * - `create`: a namespace only this stack makes (a `Namespace` resource);
 * - `patch`: one that the GitOps operator, Argo CD (`CreateNamespace=true`) or a Day-1 script may have made, or
 *   make later: a `NamespacePatch`, a server-side apply that creates it when absent, adopts it when present and,
 *   when deleted, only gives up its fields (the namespace and what is in it stay).
 */
export interface NamespaceEntry {
    readonly name: string;
    readonly mode: "create" | "patch";
    readonly labels: Readonly<Record<string, string>>;
    /** Holds what must not be lost (the fleet key): Pulumi refuses to delete it. */
    readonly protect: boolean;
    /** Why the stack touches it, for the plan and the tests. */
    readonly usedBy: readonly string[];
}

export const gitopsOperatorNamespace = "openshift-gitops-operator";
export const certManagerNamespace = "cert-manager";

/** Namespaces of the secrets that the `sealed-secrets*` Applications write into, which are not their own destination. */
export function sealedSecretNamespaces(config: ClusterConfig): { app: string; namespace: string }[] {
    const enabled = new Map(config.components.map((c) => [c.name, c]));
    return config.secrets
        .filter((s) => enabled.has(s.sealedBy) && enabled.get(s.sealedBy)!.namespace !== s.namespace)
        .map((s) => ({ app: s.sealedBy, namespace: s.namespace }));
}

export function namespacePlan(config: ClusterConfig): NamespaceEntry[] {
    const entries = new Map<string, { mode: "create" | "patch"; labels: Record<string, string>; protect: boolean; usedBy: string[] }>();
    const add = (name: string, mode: "create" | "patch", usedBy: string, labels: Record<string, string> = {}, protect = false) => {
        const e = entries.get(name);
        if (!e) {
            entries.set(name, { mode, labels: { ...labels }, protect, usedBy: [usedBy] });
            return;
        }
        // Once anyone else may make it, it is a patch for everyone.
        if (mode === "patch") e.mode = "patch";
        Object.assign(e.labels, labels);
        e.protect ||= protect;
        if (!e.usedBy.includes(usedBy)) e.usedBy.push(usedBy);
    };
    const argo = config.argocd;
    const managed = { [managedByLabel]: argo.namespace };
    if (argo.flavor === "openshift-gitops") {
        add(gitopsOperatorNamespace, "create", "argo cd: operator", { "openshift.io/cluster-monitoring": "true" });
        // The operator creates openshift-gitops itself (gitopsservice_controller.go Reconcile: "Create namespace if
        // it doesn't already exist"), at a time of its own: never a create.
        add(argo.namespace, "patch", "argo cd: instance");
    } else if (argo.flavor === "helm") {
        add(argo.namespace, "create", "argo cd: helm release");
    }
    // The key must be there before the controller starts; the seed's Day 1 or an earlier install may have made it.
    add(config.sealedSecrets.namespace, "patch", "sealed secrets key", managed, true);
    // A SealedSecret's namespace must exist before the Application that applies it syncs: CreateNamespace=true makes
    // only the destination namespace (argo-cd docs/user-guide/sync-options.md), and the consumers come later.
    for (const { app, namespace } of sealedSecretNamespaces(config)) {
        add(namespace, "patch", `${app}: sealed secrets`, namespace === argo.namespace ? {} : managed);
    }
    if (config.certManager.enabled) {
        // A patch: Red Hat's cert-manager operator runs its operand in a namespace of this name too (a create would
        // fail with AlreadyExists there).
        add(certManagerNamespace, "patch", "cert-manager");
        if (config.components.some((c) => c.name === "hubble-timescape")) add("hubble-timescape", "patch", "certificates: hubble-timescape-ui", managed);
    }
    if (config.secretDelivery.directSecrets) {
        for (const s of config.secrets) add(s.namespace, "patch", `secrets: ${s.id ?? s.key}`, s.namespace === argo.namespace ? {} : managed);
    }
    return [...entries].map(([name, e]) => ({ name, ...e }));
}
