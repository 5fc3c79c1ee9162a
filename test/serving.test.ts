import { strict as assert } from "node:assert";
import { kustomizeAvailable, renderKustomize, RenderedObject } from "../cli/render";
import { planCluster } from "../lib/plan";
import { cacheName, clusterPolicyPatches, nimCachePatches, nimServicePatches, quantityGiB, ServingConfig } from "../lib/serving";
import { parseClusterConfig } from "../stacks/parse";
import type { ClusterConfig } from "../stacks/types";
import { crdErrors } from "./crd";
import { minimalRaw, root, stackRaw, problemLines, requireOrSkip } from "./helpers";
import { applications, plain, runStack } from "./mocks";

const profile = "8835c31752fbc67ef658b20a9f78e056914fdef0660206d82f252d62fd96064d";

const problemsOf = (edit: Record<string, unknown>): string[] => problemLines(() => parseClusterConfig(minimalRaw(edit)));

function render(config: ClusterConfig, name: string): RenderedObject[] {
    return renderKustomize(root, config.components.find((c) => c.name === name)!).map((x) => x.object);
}

describe("time to first token: the model cache beside the driver build", () => {
    it("splits the model download into nim-cache, which waits only for what it needs, and serves from it in nim-llm", async () => {
        const rec = await runStack("ai-pod-1");
        const apps = applications(rec);
        const depsOf = (name: string) => apps.get(name)!.dependencies.filter((u) => [...apps.values()].some((a) => a.urn === u))
            .map((u) => [...apps.values()].find((a) => a.urn === u)!.name).sort();
        assert.deepEqual(depsOf("nim-cache"), ["lvms-operator", "nfd-instance", "nim-operator", "sealed-secrets-gpu"]);
        assert.deepEqual(depsOf("nim-llm"), ["gpu-cluster-policy", "nim-cache"]);
        assert.deepEqual(depsOf("nim-operator"), ["platform-idms"], "no GPU operator, no OLM catalog: a Helm chart");
        // Gated on the cache being Ready through its Application (the NIMCache check maps Ready to Healthy).
        assert.match(plain(apps.get("nim-cache")!).metadata.annotations["pulumi.com/waitFor"], /health\.status}=Healthy/);
        assert.equal(apps.get("nim-cache")!.customTimeouts.create, "5400s");
        // Holds the downloaded model: no cascade.
        assert.equal(plain(apps.get("nim-cache")!).metadata.finalizers, undefined);
    });

    it("runs the download beside the driver build: under gates at most 0.6 of the time under waves", () => {
        const plan = planCluster(parseClusterConfig(stackRaw("ai-pod-1")));
        const policy = plan.gated.readyAt.get("gpu-cluster-policy")!;
        const cacheReady = plan.gated.readyAt.get("nim-cache")!;
        const cacheStart = cacheReady - plan.order.find((c) => c.name === "nim-cache")!.estimateSeconds;
        assert.ok(cacheStart < policy, "the download starts before the driver is ready");
        assert.ok(plan.gated.totalSeconds <= 0.6 * plan.waves.totalSeconds, `${plan.gated.totalSeconds} vs ${plan.waves.totalSeconds}`);
        // Precompiled driver and a model mirror: the driver path is critical again, about 20 minutes.
        const fast = planCluster(parseClusterConfig(stackRaw("ai-pod-1", {
            serving: { gpuProduct: "h100", modelMirror: "https://models.lab.example/nim/" }, gpuDriver: { precompiled: true },
        })));
        assert.ok(fast.gated.totalSeconds < plan.gated.totalSeconds);
        assert.deepEqual(fast.gated.criticalPath.slice(-2), ["gpu-cluster-policy", "nim-llm"]);
        assert.ok(fast.gated.totalSeconds <= 22 * 60, `${fast.gated.totalSeconds}`);
    });

    it("patches the repository's manifests into a cache and a service that validate against the operators' CRDs", function () {
        requireOrSkip(this, kustomizeAvailable(), "kubectl (for kubectl kustomize) is not on PATH");
        const config = parseClusterConfig(stackRaw("ai-pod-1", { serving: { profiles: [profile], cacheSize: "80Gi", gpus: 2, modelMirror: "s3://models/nim" } }));
        const [cache] = render(config, "nim-cache");
        const [service] = render(config, "nim-llm");
        assert.deepEqual(crdErrors("apps.nvidia.com_nimcaches.yaml.gz", "v1alpha1", cache), []);
        assert.deepEqual(crdErrors("apps.nvidia.com_nimservices.yaml.gz", "v1alpha1", service), []);
        const c = cache as unknown as { metadata: { name: string; namespace: string }; spec: { source: { ngc: { modelPuller: string; model: unknown; authSecret: string } }; storage: { pvc: { storageClass: string; size: string } }; env: unknown[] } };
        assert.equal(c.metadata.name, cacheName(config.serving));
        assert.equal(c.metadata.namespace, "nim");
        assert.equal(c.spec.source.ngc.modelPuller, "nvcr.io/nim/meta/llama-3.2-1b-instruct:1.12.0");
        assert.deepEqual(c.spec.source.ngc.model, { profiles: [profile] });
        assert.equal(c.spec.source.ngc.authSecret, "ngc-api-key");
        assert.deepEqual(c.spec.storage.pvc, { create: true, storageClass: "lvms-vg1", size: "80Gi", volumeAccessMode: "ReadWriteOnce" });
        assert.deepEqual(c.spec.env, [{ name: "NIM_REPOSITORY_OVERRIDE", value: "s3://models/nim" }]);
        const s = service as unknown as { spec: { storage: { nimCache: { name: string } }; resources: { limits: Record<string, number> }; image: { repository: string; tag: string } } };
        assert.equal(s.spec.storage.nimCache.name, c.metadata.name, "the service serves from that cache");
        assert.equal(s.spec.resources.limits["nvidia.com/gpu"], 2);
        assert.deepEqual([s.spec.image.repository, s.spec.image.tag], ["nvcr.io/nim/meta/llama-3.2-1b-instruct", "1.12.0"]);
        // Without pinned profiles: the GPU product with engine and parallelism, never an open selection.
        const byProduct = parseClusterConfig(stackRaw("ai-pod-1"));
        const [open] = render(byProduct, "nim-cache");
        assert.deepEqual((open as unknown as { spec: { source: { ngc: { model: unknown } } } }).spec.source.ngc.model,
            { engine: "tensorrt_llm", tensorParallelism: "1", gpus: [{ product: "h100" }] });
        assert.deepEqual(crdErrors("apps.nvidia.com_nimcaches.yaml.gz", "v1alpha1", open), []);
    });

    it("switches the ClusterPolicy to precompiled driver images on request, and builds the driver otherwise", function () {
        requireOrSkip(this, kustomizeAvailable(), "kubectl (for kubectl kustomize) is not on PATH");
        const built = render(parseClusterConfig(stackRaw("ai-pod-1")), "gpu-cluster-policy")[0] as unknown as { spec: { driver: Record<string, unknown> } };
        assert.deepEqual(built.spec.driver, { enabled: true });
        const pre = render(parseClusterConfig(stackRaw("ai-pod-1", { gpuDriver: { precompiled: true, version: "580.65.06" } })), "gpu-cluster-policy")[0];
        assert.deepEqual(crdErrors("nvidia.com_clusterpolicies.yaml.gz", "v1", pre), []);
        assert.deepEqual((pre as unknown as { spec: { driver: Record<string, unknown> } }).spec.driver,
            { enabled: true, usePrecompiled: true, repository: "registry.redhat.io/nvidia", image: "gpu-driver-rhel9", version: "580.65.06" });
    });

    it("names the cache after everything that defines it: a new model is a new cache, more GPUs are not", () => {
        // The default NGC pull secret left out: the cases below add it where they test it.
        const base: ServingConfig = { ...parseClusterConfig(minimalRaw()).serving, pullSecret: undefined };
        assert.notEqual(cacheName({ ...base, tag: "1.13.0" }), cacheName(base));
        assert.notEqual(cacheName({ ...base, modelMirror: "s3://m" }), cacheName(base));
        assert.notEqual(cacheName({ ...base, profiles: [profile] }), cacheName(base));
        assert.equal(cacheName({ ...base, gpus: 4 }), cacheName(base));
        assert.match(cacheName(base), /^llama-3-2-1b-instruct-[0-9a-f]{8}$/);
    });

    const bad: [string, Record<string, unknown>, string[]][] = [
        ["a model without a profile on a cluster whose GPUs are not known yet", { serving: {} },
            ["saif-platform:serving.profiles: nim-cache downloads the model before the GPU driver runs, when no node has its GPU label yet, so the NIM operator would select every profile of the model and download them all; pin serving.profiles (the IDs list-model-profiles shows), or set serving.gpuProduct (e.g. h100) with engine and tensorParallelism"]],
        ["a StorageClass no component provides", { serving: { gpuProduct: "h100", storageClass: "ceph-rbd" } },
            ['saif-platform:serving.storageClass: no component provides "ceph-rbd" (lvms-operator provides "lvms-vg1"); use that, or set serving.storageClassExists: true if the cluster already has this StorageClass']],
        ["the LVMS StorageClass with LVMS off", { serving: { gpuProduct: "h100" }, components: { "lvms-operator": { enabled: false } } },
            ['saif-platform:serving.storageClass: "lvms-vg1" is made by lvms-operator, which is off on this cluster; turn lvms-operator on, or name a StorageClass the cluster has and set serving.storageClassExists: true']],
        ["a cache smaller than the model's published size", { serving: { gpuProduct: "h100", image: "nvcr.io/nim/meta/llama-3.1-8b-instruct", tag: "1.8.5", cacheSize: "10Gi" } },
            ["saif-platform:serving.cacheSize: 10Gi is below the published size of one llama-3.1-8b-instruct profile (15.04 GB); give it at least 19Gi"]],
        ["pinned profiles with a GPU selector", { serving: { profiles: [profile], gpuProduct: "h100" } },
            ["saif-platform:serving.profiles: pinned profiles exclude gpuProduct, engine, tensorParallelism and precision (the NIM operator's webhook refuses both); keep one way of selecting"]],
        ["a profile that is not an ID", { serving: { profiles: ["h100-fp8"] } },
            ['saif-platform:serving.profiles[0]: "h100-fp8" is not a NIM profile ID; use the 64-hex ID the model\'s list-model-profiles shows']],
        ["a cache size that is not a quantity", { serving: { gpuProduct: "h100", cacheSize: "fifty gigs" } },
            ['saif-platform:serving.cacheSize: "fifty gigs" is not a Kubernetes quantity, e.g. 50Gi']],
    ];
    for (const [title, edit, expected] of bad) {
        it(`rejects: ${title}`, () => {
            assert.deepEqual(problemsOf(edit), expected);
        });
    }

    it("accepts a StorageClass the cluster has, and then does not wait for LVMS", () => {
        const config = parseClusterConfig(minimalRaw({ serving: { gpuProduct: "h100", storageClass: "ocs-storagecluster-ceph-rbd", storageClassExists: true } }));
        assert.ok(!config.components.find((c) => c.name === "nim-cache")!.dependsOn.includes("lvms-operator"));
        // Without GPUs no serving check runs: nim-cache is off.
        assert.deepEqual(problemsOf({ gpu: false, serving: {} }), []);
    });
});

describe("serving's patches and names (pure)", () => {
    // The default NGC pull secret left out: the cases below add it where they test it.
    const base: ServingConfig = { ...parseClusterConfig(minimalRaw()).serving, pullSecret: undefined };
    const ops = (patch: string) => JSON.parse(patch) as { op: string; path: string; value: unknown }[];

    it("names the cache as a DNS label from the image's last segment, cut to 40, plus a hash of every field that defines the cache", () => {
        const name = cacheName(base);
        assert.match(name, /^llama-3-2-1b-instruct-[0-9a-f]{8}$/);
        const odd = cacheName({ ...base, image: "nvcr.io/nim/Meta/_LLaMA_3.1--70B.Instruct-with-a-very-long-name-beyond-forty-" });
        assert.match(odd, /^llama-3-1-70b-instruct-with-a-very-long-[0-9a-f]{8}$/, odd);
        // The operator's caching Job is "<name>-job", and a Job's name is its pods' job-name label value (63 at most).
        assert.ok(`${cacheName({ ...base, image: `nvcr.io/nim/${"a".repeat(200)}` })}-job`.length <= 63);
        assert.match(cacheName({ ...base, image: "registry/___" }), /^model-[0-9a-f]{8}$/);
        for (const [field, value] of [["image", "nvcr.io/nim/meta/llama-3.2-1b-instruct-x"], ["gpuProduct", "a100"], ["engine", "vllm"], ["tensorParallelism", "2"],
            ["precision", "fp8"], ["storageClass", "ceph"], ["cacheSize", "60Gi"], ["tag", "1.12.1"], ["modelMirror", "s3://m"]] as const) {
            assert.notEqual(cacheName({ ...base, [field]: value }), name, field);
        }
        for (const [field, value] of [["gpus", 8], ["pullSecret", "nvcr"], ["storageClassExists", true]] as const) {
            assert.equal(cacheName({ ...base, [field]: value }), name, `${field} does not make a new cache`);
        }
        assert.equal(cacheName({ ...base, profiles: [] }), name, "no profiles is the same as none given");
    });

    it("patches the NIMCache: its name, puller, model selection, storage, and the optional pull secret and model mirror", () => {
        const [p] = nimCachePatches({ ...base, precision: "fp8", pullSecret: "nvcr", modelMirror: "s3://m" });
        assert.deepEqual(p.target, { group: "apps.nvidia.com", version: "v1alpha1", kind: "NIMCache", name: "nim-model-cache" });
        assert.deepEqual(p.options, { allowNameChange: true }, "the name changes with the model: Kustomize must allow it");
        assert.ok(p.patch.endsWith("\n"));
        assert.deepEqual(ops(p.patch), [
            { op: "replace", path: "/metadata/name", value: cacheName({ ...base, precision: "fp8", pullSecret: "nvcr", modelMirror: "s3://m" }) },
            { op: "replace", path: "/spec/source/ngc/modelPuller", value: "nvcr.io/nim/meta/llama-3.2-1b-instruct:1.12.0" },
            { op: "replace", path: "/spec/source/ngc/model", value: { engine: "tensorrt_llm", tensorParallelism: "1", precision: "fp8", gpus: [{ product: "h100" }] } },
            { op: "replace", path: "/spec/storage/pvc/storageClass", value: "lvms-vg1" },
            { op: "replace", path: "/spec/storage/pvc/size", value: "50Gi" },
            { op: "add", path: "/spec/source/ngc/pullSecret", value: "nvcr" },
            { op: "add", path: "/spec/env", value: [{ name: "NIM_REPOSITORY_OVERRIDE", value: "s3://m" }] },
        ]);
        assert.deepEqual(ops(nimCachePatches(base)[0].patch).map((o) => o.path), ["/metadata/name", "/spec/source/ngc/modelPuller", "/spec/source/ngc/model",
            "/spec/storage/pvc/storageClass", "/spec/storage/pvc/size"]);
        assert.deepEqual(ops(nimCachePatches(base)[0].patch)[2].value, { engine: "tensorrt_llm", tensorParallelism: "1", gpus: [{ product: "h100" }] });
        assert.deepEqual(ops(nimCachePatches({ ...base, profiles: [profile] })[0].patch)[2].value, { profiles: [profile] });
        assert.deepEqual(ops(nimCachePatches({ ...base, profiles: [] })[0].patch)[2].value, { engine: "tensorrt_llm", tensorParallelism: "1", gpus: [{ product: "h100" }] });
    });

    it("patches the NIMService to the same image and cache on its GPUs, and the ClusterPolicy only for precompiled drivers", () => {
        const [p] = nimServicePatches({ ...base, pullSecret: "nvcr", gpus: 2 });
        assert.deepEqual(p.target, { group: "apps.nvidia.com", version: "v1alpha1", kind: "NIMService", name: "nim-llm" });
        assert.deepEqual(ops(p.patch), [
            { op: "replace", path: "/spec/image/repository", value: "nvcr.io/nim/meta/llama-3.2-1b-instruct" },
            { op: "replace", path: "/spec/image/tag", value: "1.12.0" },
            { op: "replace", path: "/spec/storage/nimCache/name", value: cacheName(base) },
            { op: "replace", path: "/spec/resources/limits/nvidia.com~1gpu", value: 2 },
            { op: "add", path: "/spec/image/pullSecrets", value: ["nvcr"] },
        ]);
        assert.equal(ops(nimServicePatches(base)[0].patch).length, 4);
        assert.deepEqual(clusterPolicyPatches({ precompiled: false, repository: "r", image: "i", version: "v" }), []);
        const [cp] = clusterPolicyPatches({ precompiled: true, repository: "mirror/nvidia", image: "driver", version: "580" });
        assert.deepEqual(cp.target, { group: "nvidia.com", version: "v1", kind: "ClusterPolicy", name: "gpu-cluster-policy" });
        assert.deepEqual(ops(cp.patch), [
            { op: "add", path: "/spec/driver/usePrecompiled", value: true }, { op: "add", path: "/spec/driver/repository", value: "mirror/nvidia" },
            { op: "add", path: "/spec/driver/image", value: "driver" }, { op: "add", path: "/spec/driver/version", value: "580" },
        ]);
    });

    it("reads Kubernetes quantities in GiB, binary and decimal suffixes, and nothing else", () => {
        const cases: [string, number | undefined][] = [["1Gi", 1], ["50Gi", 50], ["1.5Ti", 1536], ["1.25Gi", 1.25], ["512Mi", 0.5], ["1048576Ki", 1], ["1073741824", 1],
            ["1G", 1e9 / 2 ** 30], ["1T", 1e12 / 2 ** 30], ["1000M", 1e9 / 2 ** 30], ["1000000K", 1e9 / 2 ** 30],
            ["x", undefined], ["1Gb", undefined], ["Gi", undefined], ["1.Gi", undefined], [" 1Gi", undefined], ["1Gi ", undefined], ["-1Gi", undefined]];
        for (const [q, gib] of cases) assert.equal(quantityGiB(q), gib, q);
    });
});
