import { strict as assert } from "node:assert";
import { renderMermaid } from "../lib/mermaid";
import { bootstrapSteps, formatDuration, planCluster, planSummary, renderPlan, servingLines } from "../lib/plan";
import { parseClusterConfig } from "../stacks/parse";
import type { ClusterConfig } from "../stacks/types";
import { minimalRaw } from "./helpers";

/**
 * The plan's text on a small hand-made graph, line for line: every figure below was worked out by hand from the
 * estimates (the whole-stack plan tests read the real catalog's plan, whose numbers move with the catalog).
 */
describe("the plan's text (pure, on a hand-made graph)", () => {
    const base = parseClusterConfig(minimalRaw());
    const proto = base.components.find((c) => c.name === "argocd-config")!;
    const mk = (name: string, tier: 1 | 2 | 3, declaredWave: number, estimateSeconds: number, dependsOn: string[], extra = false) =>
        ({ ...proto, name, tier, declaredWave, estimateSeconds, dependsOn, extra });
    // a (60 s) and e (59.6 s, extra, no wave) first; b (declared wave 2) and c (extra, 1h 01m 01s) after a; d after both.
    const config: ClusterConfig = {
        ...base,
        components: [mk("a", 1, 0, 60, []), mk("b", 1, 2, 125, ["a"]), mk("c", 3, NaN, 3661, ["a"], true), mk("d", 2, 1, 30, ["b", "c"]), mk("e", 3, NaN, 59.6, [], true)],
        disabled: [{ name: "x", why: "no GPUs" }, { name: "y", why: "off in config" }],
    };

    it("prints bootstrap, the table with start and ready clocks, what is off, wave warnings, critical path and both times", () => {
        assert.equal(renderPlan(planCluster(config)), [
            "Deployment plan for lab: 5 components",
            "",
            "Bootstrap (before any component):",
            "  1. cluster access: one Kubernetes provider (kubeconfig context lab)",
            "  2. argo cd: OpenShift GitOps operator (channel gitops-1.18, Automatic, default instance off) and the program's ArgoCD openshift-gitops/argocd, gated on Available",
            "  3. repository access: public",
            "  4. sealed secrets key: fleet key (from organization/saif-fleet/fleet) in sealed-secrets",
            "  5. root application: saif-apps -> clusters/lab @ main",
            "",
            "#  wave  declared  tier         component  start  ready  depends on",
            "1  0     0         1 platform   a          0:00   1:00   -",
            "2  0     0         3 nvidia     e (extra)  0:00   1:00   -",
            "3  1     2         1 platform   b          1:00   3:05   a",
            "4  1     1         3 nvidia     c (extra)  1:00   62:01  a",
            "5  2     1         2 isovalent  d          62:01  62:31  b, c",
            "",
            "Turned off on this cluster: x (no GPUs), y (off in config)",
            "",
            "warning: d (wave 1) depends on b (wave 2): Argo CD waves alone would not order them",
            "warning: d (wave 1) depends on c (wave 1): Argo CD waves alone would not order them",
            "Critical path (dependsOn gates): a -> c -> d",
            "Slowest of each sync wave:       0: a, 1: c, 2: b",
            // Gates: 60 + 3661 + 30 = 3751 s. Waves: 60 + 3661 + 125 and two 2 s wave delays = 3850 s.
            "Estimated time to ready: 1h 02m 31s under dependsOn gates, 1h 04m 10s under sync waves (3 waves), x1.03",
            "(estimates from the catalog's estimateSeconds, not measurements)",
        ].join("\n"));
    });

    it("writes plan.json's summary: derived and declared waves (an extra without one goes after its dependencies), path and times", () => {
        const s = planSummary(planCluster(config));
        assert.deepEqual(s.components.map((c) => [c.name, c.tier, c.wave, c.declaredWave, c.dependsOn, c.estimateSeconds]), [
            ["a", 1, 0, 0, [], 60], ["e", 3, 0, 0, [], 59.6], ["b", 1, 1, 2, ["a"], 125], ["c", 3, 1, 1, ["a"], 3661], ["d", 2, 2, 1, ["b", "c"], 30],
        ]);
        assert.deepEqual(s.criticalPath, { gated: ["a", "c", "d"], waves: ["a", "c", "b"] });
        assert.deepEqual(s.totalSeconds, { gated: 3751, waves: 3850 });
        assert.equal(s.cluster, "lab");
        assert.equal(s.bootstrap.length, 5);
        assert.ok(!("modelCache" in s), "no nim-cache, no model cache");
        const withCache = planSummary(planCluster(base));
        assert.match(withCache.modelCache ?? "", /^llama-3-2-1b-instruct-[0-9a-f]{8}$/);
        assert.ok(withCache.components.find((c) => c.name === "nim-cache")!.gpuOnly);
    });

    it("says nothing when nothing is off and no wave is inverted, and x1.00 when nothing takes time", () => {
        const calm: ClusterConfig = { ...config, components: [mk("a", 1, 0, 0, []), mk("b", 1, 1, 0, ["a"])], disabled: [] };
        const text = renderPlan(planCluster(calm));
        assert.ok(!text.includes("Turned off") && !text.includes("warning:"), text);
        assert.match(text, /   a\n\nCritical path \(dependsOn gates\): /, "the table, then the path");
        assert.match(text, /Estimated time to ready: 0m 00s under dependsOn gates, 0m 02s under sync waves \(2 waves\), x1\.00/);
    });

    it("describes serving: the image, profiles or GPU product, the cache, the mirror, the driver and when each is ready", () => {
        const plan = planCluster(base);
        assert.deepEqual(plan.serving, [
            `Serving: nvcr.io/nim/meta/llama-3.2-1b-instruct:1.12.0 on 1 GPU(s), profiles for h100 (tensorrt_llm, tp 1), cache ${plan.modelCache} (50Gi on lvms-vg1), from NGC`,
            "  the model downloads beside the driver build: nim-cache ready at 32m 30s, gpu-cluster-policy (driver built on each node) at 26m 30s, nim-llm serving at 34m 00s",
            "  a change of model, tag, profiles, mirror, StorageClass or size replaces the model cache: the model is downloaded again",
        ]);
        const pinned = servingLines({ ...base, serving: { ...base.serving, profiles: ["p1", "p2"], modelMirror: "s3://models" },
            gpuDriver: { precompiled: true, repository: "mirror.lab/nvidia", image: "driver", version: "580" } }, plan.gated);
        assert.match(pinned[0], /, profile p1, p2, cache llama-3-2-1b-instruct-[0-9a-f]{8} \(50Gi on lvms-vg1\), from s3:\/\/models$/);
        assert.match(pinned[1], /gpu-cluster-policy \(driver precompiled mirror\.lab\/nvidia\/driver:580\) at 26m 30s/);
        const fp8 = servingLines({ ...base, serving: { ...base.serving, precision: "fp8" } }, { ...plan.gated, readyAt: new Map() });
        assert.match(fp8[0], /profiles for h100 \(tensorrt_llm, tp 1, fp8\)/);
        assert.equal(fp8[1], "  the model downloads beside the driver build: nim-cache ready at -, gpu-cluster-policy (driver built on each node) at -, nim-llm serving at -");
        assert.deepEqual(servingLines(config, plan.gated), [], "no nim-cache, nothing to say");
        assert.deepEqual(planCluster(config).serving, []);
    });

    it("lists the bootstrap for each Argo CD flavor, with a mirror, a kubeconfig from secret config and a key from config", () => {
        const mirror = { registry: "mirror.lab:5000", gitopsCatalogImage: "mirror.lab:5000/gitops-index:v1" };
        assert.deepEqual(bootstrapSteps({ ...base, mirror, kubernetes: { kubeconfigFromSecret: true }, sealedSecrets: { ...base.sealedSecrets, keySource: "config" } }), [
            "cluster access: one Kubernetes provider (kubeconfig from secret config)",
            "image mirrors and GitOps operator catalog (mirror.lab:5000)",
            "argo cd: OpenShift GitOps operator (channel gitops-1.18, Automatic, default instance off) and the program's ArgoCD openshift-gitops/argocd, gated on Available",
            "repository access: public",
            "sealed secrets key: fleet key (from secret config) in sealed-secrets",
            "root application: saif-apps -> clusters/lab @ main",
        ]);
        // The mirror step belongs to the operator flavor (it mirrors the operator's catalog).
        assert.deepEqual(bootstrapSteps({ ...base, mirror, argocd: { ...base.argocd, flavor: "helm", chartVersion: "9.1.0" } }).slice(0, 2), [
            "cluster access: one Kubernetes provider (kubeconfig context lab)",
            "argo cd: argo-cd Helm chart 9.1.0 in openshift-gitops, gated on the release",
        ]);
        assert.equal(bootstrapSteps({ ...base, argocd: { ...base.argocd, flavor: "existing" } })[1], "argo cd: existing install in openshift-gitops (nothing installed)");
    });

    it("formats durations as the plan and the PR comment print them, rounding before it splits", () => {
        assert.deepEqual([0, 59, 59.4, 59.6, 60, 3599, 3600, 3661, 36000].map(formatDuration),
            ["0m 00s", "0m 59s", "0m 59s", "1m 00s", "1m 00s", "59m 59s", "1h 00m 00s", "1h 01m 01s", "10h 00m 00s"]);
    });

    it("draws the same graph in Mermaid: bootstrap chain, a subgraph per tier in tier order, GPU class, the critical path's nodes and edges", () => {
        const gpuC: ClusterConfig = { ...config, components: config.components.map((c) => (c.name === "c" ? { ...c, gpuOnly: true } : c)) };
        assert.equal(renderMermaid(planCluster(gpuC)), [
            "flowchart TD",
            '  subgraph bootstrap["Bootstrap"]',
            "    direction TB",
            '    b0["cluster access: one Kubernetes provider (kubeconfig context lab)"]',
            `    b1["argo cd: OpenShift GitOps operator (channel gitops-1.18, Automatic, default instance off) and the program's ArgoCD openshift-gitops/argocd, gated on Available"]`,
            '    b2["repository access: public"]',
            '    b3["sealed secrets key: fleet key (from organization/saif-fleet/fleet) in sealed-secrets"]',
            '    b4["root application: saif-apps -> clusters/lab @ main"]',
            "  end",
            '  subgraph tier1["Tier 1: platform"]',
            '    c_a["a<br/>wave 0, ~1m 00s"]',
            '    c_b["b<br/>wave 1, ~2m 05s"]',
            "  end",
            '  subgraph tier2["Tier 2: isovalent"]',
            '    c_d["d<br/>wave 2, ~0m 30s"]',
            "  end",
            '  subgraph tier3["Tier 3: nvidia"]',
            '    c_e["e<br/>wave 0, ~1m 00s"]',
            '    c_c["c (GPU)<br/>wave 1, ~1h 01m 01s"]',
            "  end",
            "  b0 --> b1", "  b1 --> b2", "  b2 --> b3", "  b3 --> b4",
            "  b4 --> tier1", "  b4 --> tier2", "  b4 --> tier3",
            "  c_a --> c_b", "  c_a --> c_c", "  c_b --> c_d", "  c_c --> c_d",
            "  classDef critical stroke:#d62728,stroke-width:3px",
            "  classDef gpu fill:#e8f5d0,stroke:#76b900",
            "  class c_c gpu",
            "  class c_a,c_c,c_d critical",
            // Edges 8 (a -> c) and 10 (c -> d) are the critical path's; a -> b and b -> d are not.
            "  linkStyle 8,10 stroke:#d62728,stroke-width:3px",
            "",
        ].join("\n"));
        const quoted = renderMermaid({ ...planCluster({ ...config, components: [mk("nim-llm", 3, 0, 1, [])] }), bootstrap: ['say "hi"'] });
        assert.match(quoted, /\n {4}b0\["say #quot;hi#quot;"\]\n/);
        assert.match(quoted, /\n {4}c_nim_llm\["nim-llm<br\/>wave 0, ~0m 01s"\]\n/);
        assert.ok(!quoted.includes(" gpu\n") && !quoted.includes("linkStyle") && !quoted.includes("b0 --> b") && quoted.includes("  b0 --> tier3\n"), "no GPU class, no critical edge, no bootstrap chain of one");
    });

    it("prints the serving lines between the table and the path, and draws no critical class for an empty plan", () => {
        const lines = renderPlan(planCluster(base)).split("\n");
        const at = lines.findIndex((l) => l.startsWith("Serving: "));
        assert.ok(at > 0 && lines[at - 1] === "" && lines[at + 3] === "", "a blank line before and after the three serving lines");
        assert.deepEqual(lines.slice(at, at + 3), planCluster(base).serving);
        assert.equal(lines[at + 4], "Critical path (dependsOn gates): " + planCluster(base).gated.criticalPath.join(" -> "));
        const empty = renderMermaid(planCluster({ ...config, components: [] }));
        assert.ok(!/\n {2}class /.test(empty) && !empty.includes("linkStyle") && !empty.includes("subgraph tier"), empty);
    });
});
