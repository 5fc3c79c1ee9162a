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
