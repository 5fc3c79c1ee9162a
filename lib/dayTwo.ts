/**
 * Changes a running stack must not make by a config edit. An Application's namespace is part of its identity
 * (pulumi-kubernetes replaces an object whose metadata.namespace changes: provider/pkg/provider/diff.go
 * `metadataForceNewProperties`), so moving Argo CD's namespace, or switching the flavor that decides it, would delete
 * every Application (their finalizers cascade into what they deployed) and create them again elsewhere.
 */
export function argocdMoveProblem(previous: { namespace?: unknown; flavor?: unknown }, now: { namespace: string; flavor: string }): string | undefined {
    const problems: string[] = [];
    if (typeof previous.namespace === "string" && previous.namespace !== now.namespace) {
        problems.push(`saif-platform:argocd.namespace: ${JSON.stringify(now.namespace)}, but this stack's Argo CD and Applications are in ${JSON.stringify(previous.namespace)}; ` +
            "moving them would replace every Application (deleting the old ones cascades into what they deployed): keep the namespace");
    }
    if (typeof previous.flavor === "string" && previous.flavor !== now.flavor) {
        problems.push(`saif-platform:argocd.flavor: ${JSON.stringify(now.flavor)}, but this stack runs ${JSON.stringify(previous.flavor)}; ` +
            "switching would install a second Argo CD or drop the one the Applications live in: keep the flavor");
    }
    return problems.length > 0 ? problems.join("\n") : undefined;
}

/**
 * A seed Application about to be adopted, read from the cluster, that the adoption cannot fix itself:
 * - the seed's cascade finalizer on a component meant to have none (it holds data or ships CRDs): a server-side apply
 *   cannot remove a set-list entry another manager owns (argocd-controller applied it), so deleting or turning the
 *   component off later would cascade into its volumes and CRDs;
 * - several sources (`spec.sources`): the gate names `status.sync.comparedTo.source`, which Argo CD leaves empty for a
 *   multi-source Application (argo-cd controller/appcontroller.go), so the gate could never pass.
 * One line each, with the command that fixes it.
 */
export function seedApplicationProblems(namespace: string, name: string, live: { metadata?: { finalizers?: unknown }; spec?: { sources?: unknown; source?: unknown } } | undefined,
    wantsFinalizer: boolean): string[] {
    if (!live) return [];
    const out: string[] = [];
    const finalizers = Array.isArray(live.metadata?.finalizers) ? live.metadata.finalizers as string[] : [];
    const cascade = finalizers.filter((f) => f.startsWith("resources-finalizer.argocd.argoproj.io"));
    if (!wantsFinalizer && cascade.length > 0) {
        out.push(`${namespace}/${name}: the seed's ${cascade.join(", ")} would cascade into what it deployed (it holds data or ships CRDs); remove it first: ` +
            `oc -n ${namespace} patch application ${name} --type json -p '[{"op":"remove","path":"/metadata/finalizers"}]'`);
    }
    if (Array.isArray(live.spec?.sources)) {
        out.push(`${namespace}/${name}: has several sources (spec.sources), which the gate cannot follow; give it the one source of apps/${name} first (oc -n ${namespace} edit application ${name})`);
    }
    return out;
}
