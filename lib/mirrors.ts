/**
 * Image mirrors of a disconnected cluster: each source registry at `<mirror registry>/<its first DNS label>`, the
 * layout `oc-mirror` writes (registry.redhat.io -> <mirror>/registry, quay.io -> <mirror>/quay, ...).
 */

/** What the GitOps operator's own install pulls before Argo CD exists (the bootstrap's IDMS). */
export const bootstrapSources = ["registry.redhat.io", "registry.access.redhat.com", "quay.io"] as const;

/** Everything the platform's components pull from: the bootstrap's registries, NVIDIA's, and the charts' images. */
export const platformSources = [...bootstrapSources, "nvcr.io", "ghcr.io", "docker.io", "registry.k8s.io"] as const;

export function mirrorsFor(registry: string, sources: readonly string[]): { source: string; mirrors: string[] }[] {
    return sources.map((source) => ({ source, mirrors: [`${registry}/${source.split(".")[0]}`] }));
}

/** Kustomize patches of apps/platform-idms that fill its (empty) mirror sets for this stack's mirror registry. */
export function idmsPatches(registry: string): { target: { group: string; version: string; kind: string; name: string }; patch: string }[] {
    const entries = mirrorsFor(registry, platformSources);
    return [
        { target: { group: "config.openshift.io", version: "v1", kind: "ImageDigestMirrorSet", name: "saif-platform-mirrors" },
            patch: `${JSON.stringify([{ op: "replace", path: "/spec/imageDigestMirrors", value: entries }], null, 1)}\n` },
        { target: { group: "config.openshift.io", version: "v1", kind: "ImageTagMirrorSet", name: "saif-platform-mirrors" },
            patch: `${JSON.stringify([{ op: "replace", path: "/spec/imageTagMirrors", value: entries }], null, 1)}\n` },
    ];
}
