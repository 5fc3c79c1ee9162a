import { createHash } from "node:crypto";
import { canonicalJson } from "./gates";

/**
 * Serving a NIM LLM: the model cache (NIMCache, `apps/nim-cache`), the service on it (NIMService, `apps/nim-llm`)
 * and the GPU driver (ClusterPolicy, `apps/gpu-cluster-policy`). The GitOps repository holds the base manifests;
 * a stack's `serving` and `gpuDriver` config become Kustomize patches on those Applications.
 */

export interface ServingConfig {
    /** The NIM image (the NIMCache's modelPuller and the NIMService's image). */
    readonly image: string;
    readonly tag: string;
    /**
     * Pinned profile IDs. Without them the operator selects profiles from the `nvidia.com/gpu.product` label, which
     * only exists once the driver runs (GPU Feature Discovery); a cache created before that matches every profile
     * (k8s-nim-operator internal/nimparser/v2/nimparser.go matchGPUProfile) and downloads them all.
     */
    readonly profiles?: readonly string[];
    /** Or the GPU product to select profiles for (`model.gpus[].product`), with the engine and parallelism. */
    readonly gpuProduct?: string;
    readonly engine: string;
    readonly tensorParallelism: string;
    readonly precision?: string;
    readonly storageClass: string;
    readonly cacheSize: string;
    /** GPUs per NIMService replica. */
    readonly gpus: number;
    /** A local copy of the model repository (`NIM_REPOSITORY_OVERRIDE`: s3://, https:// or a JFrog URL). */
    readonly modelMirror?: string;
    /** A pull secret for the NIM image, when the cluster's global pull secret does not cover nvcr.io. */
    readonly pullSecret?: string;
}

export interface GpuDriverConfig {
    /**
     * Precompiled driver images (ClusterPolicy spec.driver.usePrecompiled): no build per node, but the image must
     * match the nodes' kernel, so it follows every OpenShift z-stream.
     */
    readonly precompiled: boolean;
    readonly repository: string;
    readonly image: string;
    readonly version: string;
}

export interface KustomizeJsonPatch {
    readonly target: { readonly group: string; readonly version: string; readonly kind: string; readonly name: string };
    readonly patch: string;
    readonly options?: { readonly allowNameChange: boolean };
}

/** The names the base manifests in `apps/` use: the patches target them. */
export const baseNames = { nimCache: "nim-model-cache", nimService: "nim-llm", clusterPolicy: "gpu-cluster-policy" } as const;

/** What makes the cache what it is: a change of any of it is a new cache (its spec is immutable upstream). */
function cacheIdentity(s: ServingConfig): unknown {
    return { image: s.image, tag: s.tag, profiles: s.profiles ?? [], gpuProduct: s.gpuProduct, engine: s.engine, tensorParallelism: s.tensorParallelism, precision: s.precision, modelMirror: s.modelMirror, storageClass: s.storageClass, cacheSize: s.cacheSize };
}

/**
 * The NIMCache's name: the model's short name and a hash of everything that defines the cache. The operator's
 * webhook refuses any spec change of a NIMCache ("is immutable once the object is created",
 * internal/webhook/apps/v1alpha1/nimcache_webhook_validation_helper.go), so a new model is a new object.
 */
export function cacheName(s: ServingConfig): string {
    // A DNS label: lowercase, no leading or trailing "-" (an image named `Llama_3` must not give `-lama-3-...`), and
    // at most 49 characters: the operator names its caching Job `<name>-job` (k8s-nim-operator
    // internal/controller/nimcache_controller.go `getJobName` @ f63f74d7), and a Job's name becomes its pods'
    // `job-name` label value, which Kubernetes caps at 63.
    const short = s.image.split("/").pop()!.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-/, "").slice(0, 40).replace(/-$/, "") || "model";
    const hash = createHash("sha256").update(canonicalJson(cacheIdentity(s))).digest("hex").slice(0, 8);
    return `${short}-${hash}`;
}

const op = (path: string, value: unknown, kind: "add" | "replace" = "replace") => ({ op: kind, path, value });
const yamlPatch = (ops: readonly unknown[]) => `${JSON.stringify(ops, null, 1)}\n`;

/** Patches of `apps/nim-cache`'s NIMCache. */
export function nimCachePatches(s: ServingConfig): KustomizeJsonPatch[] {
    const model: Record<string, unknown> = s.profiles && s.profiles.length > 0
        ? { profiles: [...s.profiles] }
        : {
            engine: s.engine, tensorParallelism: s.tensorParallelism, ...(s.precision ? { precision: s.precision } : {}),
            gpus: [{ product: s.gpuProduct }],
        };
    const ops = [
        op("/metadata/name", cacheName(s)),
        op("/spec/source/ngc/modelPuller", `${s.image}:${s.tag}`),
        op("/spec/source/ngc/model", model),
        op("/spec/storage/pvc/storageClass", s.storageClass),
        op("/spec/storage/pvc/size", s.cacheSize),
        ...(s.pullSecret ? [op("/spec/source/ngc/pullSecret", s.pullSecret, "add")] : []),
        // A local model mirror (k8s-nim-operator config/samples/nim/caching/ngc-mirror/*).
        ...(s.modelMirror ? [op("/spec/env", [{ name: "NIM_REPOSITORY_OVERRIDE", value: s.modelMirror }], "add")] : []),
    ];
    return [{
        target: { group: "apps.nvidia.com", version: "v1alpha1", kind: "NIMCache", name: baseNames.nimCache },
        patch: yamlPatch(ops),
        options: { allowNameChange: true },
    }];
}

/** Patches of `apps/nim-llm`'s NIMService: the same image, from that cache, on that many GPUs. */
export function nimServicePatches(s: ServingConfig): KustomizeJsonPatch[] {
    const ops = [
        op("/spec/image/repository", s.image),
        op("/spec/image/tag", s.tag),
        op("/spec/storage/nimCache/name", cacheName(s)),
        op("/spec/resources/limits/nvidia.com~1gpu", s.gpus),
        ...(s.pullSecret ? [op("/spec/image/pullSecrets", [s.pullSecret], "add")] : []),
    ];
    return [{ target: { group: "apps.nvidia.com", version: "v1alpha1", kind: "NIMService", name: baseNames.nimService }, patch: yamlPatch(ops) }];
}

/** Patches of `apps/gpu-cluster-policy`'s ClusterPolicy for precompiled drivers (none otherwise). */
export function clusterPolicyPatches(d: GpuDriverConfig): KustomizeJsonPatch[] {
    if (!d.precompiled) return [];
    const ops = [
        op("/spec/driver/usePrecompiled", true, "add"),
        op("/spec/driver/repository", d.repository, "add"),
        op("/spec/driver/image", d.image, "add"),
        op("/spec/driver/version", d.version, "add"),
    ];
    return [{ target: { group: "nvidia.com", version: "v1", kind: "ClusterPolicy", name: baseNames.clusterPolicy }, patch: yamlPatch(ops) }];
}

/**
 * Published disk sizes of known models' single profiles, in GiB (NVIDIA NIM LLM support matrix: Llama 3.1 8B,
 * FP16 TP1 15.04 GB), for the cache-size check. Unknown models are not checked.
 */
export const knownModelSizesGiB: Readonly<Record<string, number>> = {
    "llama-3.1-8b-instruct": 15.04,
    "llama-3.1-8b-base": 15.04,
};

/** A Kubernetes quantity (`50Gi`, `100G`, `1Ti`) in GiB; undefined when it is not one. */
export function quantityGiB(q: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(q);
    if (!m) return undefined;
    const n = Number(m[1]);
    const unit: Record<string, number> = { "": 1 / 2 ** 30, Ki: 1 / 2 ** 20, Mi: 1 / 2 ** 10, Gi: 1, Ti: 2 ** 10, K: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30 };
    return n * unit[m[2] ?? ""];
}
