/**
 * Image mirrors of a disconnected cluster: each source registry on its own path of the mirror registry,
 * `<mirror>/<source registry>` (registry.redhat.io -> <mirror>/registry.redhat.io), so no two registries share a path
 * (registry.redhat.io/nvidia, registry.connect.redhat.com/nvidia and nvcr.io/nvidia hold different images).
 *
 * oc-mirror v2 drops the source host from the path it writes (openshift/oc-mirror internal/pkg/image/image.go
 * `ParseRef`, internal/pkg/operator/common.go: `<dest>/<path>`), so it fills this layout when run once per source
 * registry with that registry as the destination's prefix (`docker://<mirror>/<source registry>`); docs/reference.md,
 * "Disconnected clusters".
 */

/** What the GitOps operator's own install pulls before Argo CD exists (the bootstrap's IDMS). */
export const bootstrapSources = ["registry.redhat.io", "registry.access.redhat.com", "quay.io"] as const;

/**
 * Everything the platform's components pull from: the bootstrap's registries; Red Hat's certified operators
 * (registry.connect.redhat.com: the GPU operator's bundle); NVIDIA's; the charts' images.
 */
export const platformSources = [...bootstrapSources, "registry.connect.redhat.com", "nvcr.io", "ghcr.io", "docker.io", "registry.k8s.io"] as const;

export function mirrorsFor(registry: string, sources: readonly string[]): { source: string; mirrors: string[] }[] {
    return sources.map((source) => ({ source, mirrors: [`${registry}/${source}`] }));
}

/**
 * An image's full name as the container runtime resolves it for mirrors: a name without a registry is Docker Hub's,
 * and a one-part name is under `library/` (the reference format of distribution/reference `ParseNormalizedNamed`).
 */
export function fullImageName(image: string): string {
    const first = image.split("/")[0];
    const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    if (hasRegistry) return image;
    return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
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
