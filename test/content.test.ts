import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { contentProblems, kustomizeAvailable, renderStack } from "../cli/render";
import { schemaErrors } from "../cli/validate";
import { applyOrder, checkNeeds, ContentObject, needsOf } from "../lib/content";
import { ConfigProblems } from "../lib/problems";
import { componentWrites, kindInfo } from "../lib/rights";
import { parseClusterConfig } from "../stacks/parse";
import type { ClusterConfig } from "../stacks/types";
import { requireOrSkip, root, stackRaw } from "./helpers";

const schemas = `${root}/test/schemas`;

function problemsOf(config: ClusterConfig): string[] {
    try {
        return contentProblems(root, config);
    } catch (e) {
        if (e instanceof ConfigProblems) return [...e.lines];
        throw e;
    }
}

const withExtra = (name: string, extra: Record<string, unknown>) =>
    parseClusterConfig(stackRaw("ai-pod-1", { extraComponents: { [name]: { tier: 3, namespace: "demo", ...extra } } }));

describe("the platform's content in apps/, rendered and checked offline", function () {
    before(function () {
        requireOrSkip(this, kustomizeAvailable(), "kubectl (for kubectl kustomize) is not on PATH");
    });

    it("renders every component of the three stacks, every object valid against its real schema, and no need unmet", () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) {
            const config = parseClusterConfig(stackRaw(stack));
            const rendered = renderStack(root, config);
            assert.equal(rendered.length, config.components.length, stack);
            for (const rc of rendered) for (const { object } of rc.objects) assert.deepEqual(schemaErrors(schemas, object), [], `${stack} ${rc.name} ${object.kind}`);
            assert.deepEqual(contentProblems(root, config, rendered), [], stack);
        }
    });

    it("has every file of apps/ that Argo CD reads tracked by Git (Chart.yaml and values.yaml of each chart included)", function () {
        // Only in a Git checkout of its own (not a copy inside another repository, as Stryker's sandbox is).
        const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" });
        // Not a CI prerequisite: Stryker's sandbox is such a copy by design.
        if (top.status !== 0 || realpathSync(top.stdout.trim()) !== realpathSync(root)) {
            console.log("      (skipped: not a Git checkout of its own, e.g. Stryker's sandbox)");
            this.skip();
        }
        const r = spawnSync("git", ["ls-files", "apps"], { cwd: root, encoding: "utf8" });
        const tracked = new Set(r.stdout.trim().split("\n"));
        const config = parseClusterConfig(stackRaw("ai-pod-1"));
        for (const c of config.components) {
            const need = c.content === "helm" ? ["Chart.yaml", "values.yaml"] : c.content === "kustomize" ? ["kustomization.yaml"] : ["README.md"];
            for (const f of need) assert.ok(tracked.has(`${c.source.path}/${f}`), `${c.source.path}/${f} is not tracked (git-ignored?)`);
        }
    });

    it("keeps each component's declared writes exactly what its rendered objects are (the AppProject and the rights come from them)", () => {
        const config = parseClusterConfig(stackRaw("ai-pod-1"));
        for (const rc of renderStack(root, config)) {
            if (rc.content !== "kustomize") continue;
            const c = config.components.find((x) => x.name === rc.name)!;
            const rendered = new Set(rc.objects.map(({ object }) => {
                const group = object.apiVersion.includes("/") ? object.apiVersion.slice(0, object.apiVersion.lastIndexOf("/")) : "";
                return group ? `${group}/${object.kind}` : object.kind;
            }));
            // Argo CD creates the destination namespace itself (CreateNamespace=true): a write without an object.
            const declared = new Set(c.writes.filter((w) => w !== "Namespace"));
            assert.deepEqual([...rendered].sort(), [...declared].sort(), rc.name);
            for (const k of rendered) assert.ok(kindInfo(k), k);
        }
        // Helm components cannot be rendered offline: what they write is declared, and every declared kind is known.
        for (const w of componentWrites(config)) assert.ok(w.kind.resource.length > 0);
    });

    it("fills platform-idms from the stack's mirror registry, for every registry the platform pulls from", () => {
        const config = parseClusterConfig(stackRaw("ai-pod-1", { mirror: { registry: "mirror.lab:5000", gitopsCatalogImage: "mirror.lab:5000/redhat/redhat-operator-index:v4.18" } }));
        const idms = renderStack(root, config).find((r) => r.name === "platform-idms")!.objects.map(({ object }) => object);
        assert.equal(idms.length, 2);
        for (const o of idms) assert.deepEqual(schemaErrors(schemas, o), []);
        const digest = (idms.find((o) => o.kind === "ImageDigestMirrorSet")!.spec as { imageDigestMirrors: { source: string; mirrors: string[] }[] }).imageDigestMirrors;
        assert.deepEqual(digest.find((m) => m.source === "nvcr.io"), { source: "nvcr.io", mirrors: ["mirror.lab:5000/nvcr.io"] });
        assert.deepEqual(digest.map((m) => m.source), ["registry.redhat.io", "registry.access.redhat.com", "quay.io", "registry.connect.redhat.com", "nvcr.io", "ghcr.io", "docker.io", "registry.k8s.io"]);
        // Without a mirror, the sets stay empty (a connected cluster pulls directly).
        const plain = renderStack(root, parseClusterConfig(stackRaw("ai-pod-1"))).find((r) => r.name === "platform-idms")!;
        assert.deepEqual((plain.objects[0].object.spec as { imageDigestMirrors: unknown[] }).imageDigestMirrors, []);
    });

    it("sets Hubble's export where cilium-agent reads it: a partial CiliumConfig, server-side applied, never pruned or deleted", () => {
        const config = parseClusterConfig(stackRaw("ai-pod-1"));
        const [cc] = renderStack(root, config).find((r) => r.name === "cilium-config")!.objects.map(({ object }) => object);
        assert.equal(`${cc.apiVersion} ${cc.kind} ${cc.metadata.namespace}/${cc.metadata.name}`, "cilium.io/v1alpha1 CiliumConfig cilium/ciliumconfig");
        assert.deepEqual(cc.metadata.annotations?.["argocd.argoproj.io/sync-options"]?.split(",").sort(), ["Delete=false", "Prune=false", "ServerSideApply=true"]);
        const statics = (cc.spec as { hubble: { export: { static: { enabled: boolean; filePath: string; allowList: string[] } } } }).hubble.export.static;
        assert.equal(statics.enabled, true);
        // The file vector-exporter reads, from the host path it mounts.
        const vector = parseYaml(readFileSync(path.join(root, "apps/vector-exporter/values.yaml"), "utf8")) as { vector: { customConfig: { sources: { hubble: { include: string[] } } }; extraVolumes: { hostPath: { path: string } }[] } };
        assert.deepEqual(vector.vector.customConfig.sources.hubble.include, [statics.filePath]);
        assert.ok(statics.filePath.startsWith(`${vector.vector.extraVolumes[0].hostPath.path}/`));
        // One FlowFilter each, compact (the agent splits the list on white space), with flow.proto's field names only.
        for (const f of statics.allowList) {
            assert.ok(!/\s/.test(f), f);
            const filter = JSON.parse(f) as Record<string, unknown>;
            assert.deepEqual(Object.keys(filter), ["event_type"]);
            assert.deepEqual(filter.event_type, [{ type: 1 }, { type: 4 }, { type: 7 }]);
        }
    });

    it("orders each component's objects as Argo CD applies them: phase, sync wave, kind", () => {
        const config = parseClusterConfig(stackRaw("ai-pod-1"));
        const nfd = renderStack(root, config).find((r) => r.name === "nfd-operator")!;
        assert.deepEqual(nfd.objects.map(({ object }) => object.kind),
            ["OperatorGroup", "Subscription"]);
        // The seccomp PostSync hook is gone: the NFD CSV already sets RuntimeDefault (apps/nfd-operator/kustomization.yaml).
        assert.ok(nfd.objects.every(({ object }) => !object.metadata.annotations?.["argocd.argoproj.io/hook"]));
        const lvms = renderStack(root, config).find((r) => r.name === "lvms-operator")!;
        assert.deepEqual(lvms.objects.map(({ object }) => object.kind), ["OperatorGroup", "Subscription", "LVMCluster"]);
        const objs: { object: ContentObject }[] = [
            { object: { apiVersion: "v1", kind: "Service", metadata: { name: "b" } } },
            { object: { apiVersion: "v1", kind: "Namespace", metadata: { name: "a", annotations: { "argocd.argoproj.io/sync-wave": "1" } } } },
            { object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } } },
        ];
        assert.deepEqual(applyOrder(objs).map((o) => o.object.kind), ["ConfigMap", "Service", "Namespace"]);
    });

    it("fails a component that reads a Secret it does not depend on, naming both and the dependsOn to add", () => {
        const config = withExtra("demo-chat", { path: "test/fixtures/apps/demo-chat", namespace: "nim", dependsOn: ["nim-operator"] });
        assert.deepEqual(problemsOf(config), [
            'test/fixtures/apps/demo-chat/deployment.yaml: demo-chat needs Secret nim/ngc-api-key, which sealed-secrets-gpu provides, but demo-chat does not depend on sealed-secrets-gpu; add "sealed-secrets-gpu" to saif-platform:extraComponents.demo-chat.dependsOn',
        ]);
        // With the edge (or one through which it is upstream), nothing to say.
        assert.deepEqual(problemsOf(withExtra("demo-chat", { path: "test/fixtures/apps/demo-chat", namespace: "nim", dependsOn: ["nim-cache"] })), []);
    });

    const bad: [string, Record<string, unknown>, string][] = [
        ["a component path with no kustomization.yaml", { path: "test/fixtures/apps/no-kustomization" },
            "test/fixtures/apps/no-kustomization: extra-app has no kustomization.yaml there; add one (a Kustomize source needs it)"],
        ["a Kustomize build error", { path: "test/fixtures/apps/broken" },
            "test/fixtures/apps/broken/kustomization.yaml: extra-app: kustomize build failed: "],
        ["an object of a kind without a schema", { path: "test/fixtures/apps/unknown-kind" },
            "test/fixtures/apps/unknown-kind/widget.yaml: extra-app: example.com/v1 Widget has no schema here; vendor its CRD into test/schemas/"],
        ["a Subscription channel its package does not publish", { path: "test/fixtures/apps/bad-channel" },
            'test/fixtures/apps/bad-channel/subscription.yaml: extra-app: channel "beta" is not one package nfd publishes (^stable$); OLM would never resolve it'],
        ["a Secret no component delivers", { path: "test/fixtures/apps/missing-secret" },
            "test/fixtures/apps/missing-secret/job.yaml: extra-app needs Secret demo/nobody-delivers-this, which no component, nor the bootstrap, provides; add it to the catalog's platform secrets or deliver it in the component"],
    ];
    for (const [title, extra, line] of bad) {
        it(`rejects: ${title}, in one line naming the component and the file`, () => {
            const lines = problemsOf(withExtra("extra-app", extra));
            assert.equal(lines.length, 1, lines.join("\n"));
            assert.ok(lines[0].startsWith(line), `${lines[0]}\nexpected to start with\n${line}`);
        });
    }
});

describe("content needs (pure)", () => {
    it("finds Secrets wherever Kubernetes and the operators take them, StorageClasses, CRDs and namespaces", () => {
        const rc = {
            name: "x", content: "kustomize" as const, namespace: "ns",
            objects: [
                { file: "a.yaml", object: { apiVersion: "apps.nvidia.com/v1alpha1", kind: "NIMService", metadata: { name: "s" }, spec: { authSecret: "ngc", image: { pullSecrets: ["pull"] }, storage: { pvc: { storageClass: "fast" } } } } },
                { file: "b.yaml", object: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "other" }, spec: { imagePullSecrets: [{ name: "ips" }], volumes: [{ name: "v", secret: { secretName: "vol" } }], containers: [{ name: "c", envFrom: [{ secretRef: { name: "env" } }] }] } } },
            ],
        };
        const needs = needsOf(rc, () => true).map((n) => `${n.kind} ${n.what}`);
        assert.deepEqual(needs.sort(), ["crd apps.nvidia.com/NIMService", "namespace ns", "namespace other", "secret ns/ngc", "secret ns/pull",
            "secret other/env", "secret other/ips", "secret other/vol", "storageClass fast"].sort());
        const chart = { name: "h", content: "helm" as const, namespace: "obs", objects: [], chart: { name: "c", version: "1.0.0", repository: "r", file: "apps/h/Chart.yaml", values: { c: { secret: { create: false, name: "token" }, existingSecret: "creds" } } } };
        assert.deepEqual(needsOf(chart, () => true).map((n) => `${n.kind} ${n.what}`).sort(), ["namespace obs", "secret obs/creds", "secret obs/token"]);
    });

    it("accepts a need met by the component, the bootstrap or an upstream component, and names the edge otherwise", () => {
        const providers = { namespaces: new Map([["ns", "bootstrap"]]), crds: new Map([["g/K", "op"]]), secrets: new Map([["ns/s", "sec"]]), storageClasses: new Map<string, string>() };
        const needs = [
            { component: "app", kind: "namespace" as const, what: "ns", file: "f" },
            { component: "app", kind: "crd" as const, what: "g/K", file: "f" },
            { component: "app", kind: "secret" as const, what: "ns/s", file: "f" },
        ];
        const key = (c: string) => `k.${c}`;
        assert.deepEqual(checkNeeds(needs, providers, () => new Set(["op", "sec"]), key), []);
        assert.deepEqual(checkNeeds(needs, providers, () => new Set(["op"]), key),
            ['f: app needs Secret ns/s, which sec provides, but app does not depend on sec; add "sec" to k.app.dependsOn']);
        assert.deepEqual(checkNeeds([{ component: "app", kind: "storageClass", what: "sc", file: "f" }], providers, () => new Set(), key),
            ["f: app needs StorageClass sc, which no component, nor the bootstrap, provides; add the component that provides it"]);
    });
});
