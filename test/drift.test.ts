import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { collected, driftReport } from "../cli/drift";
import {
    applicationFindings, Finding, isNoise, managedApplications, parseApplications, parseExitCode, parsePropertyPath, parseRefresh, refreshFindings, renderDriftReport,
} from "../lib/drift";
import { root } from "./helpers";

const fixture = path.join(root, "test/fixtures/drift");
const rings = path.join(fixture, "rings.yaml");
const copyFixture = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "drift-"));
    cpSync(path.join(fixture, "collected"), dir, { recursive: true });
    return dir;
};
/** The findings a report lists, as "stack layer object what". */
function findingsOf(markdown: string): string[] {
    const out: string[] = [];
    let object = "";
    for (const line of markdown.split("\n")) {
        const h = /^### (Pulumi|Argo CD): (.*)$/.exec(line);
        if (h) object = `${h[1]} ${h[2]}`;
        const f = /^- `([^`]*)` .* \(([^()]*)\)$/.exec(line);
        if (f && object) for (const s of f[2].split(", ")) out.push(`${s} ${object} ${f[1]}`);
    }
    return out.sort();
}

describe("drift report: the fixture fleet with seeded drifts", () => {
    it("finds every seeded drift and nothing else, grouping the one two stacks share, exit 7", () => {
        const r = driftReport(path.join(fixture, "collected"), root, rings, undefined);
        assert.equal(r.exitCode, 7);
        assert.deepEqual(r.problems, []);
        assert.deepEqual(findingsOf(r.markdown), [
            "ai-pod-1 Pulumi Subscription openshift-gitops-operator/openshift-gitops-operator spec.channel", // D1
            "ai-pod-2 Argo CD Application gpu-operator sync", // D5
            "ai-pod-2 Argo CD Application nim-llm health", // D4
            "ai-pod-2 Argo CD Application nim-llm last sync failed", // D3
            "ai-pod-2 Argo CD Application splunk-otel revision", // D6
            "ai-pod-2 Pulumi Namespace nvidia-gpu-operator metadata.labels[\"openshift.io/cluster-monitoring\"]", // D2
            "ai-pod-2 Pulumi Subscription openshift-gitops-operator/openshift-gitops-operator spec.channel", // D1
            "ai-pod-3 Argo CD Application splunk-otel missing", // D8
            "ai-pod-3 Pulumi AppProject openshift-gitops/saif-platform missing", // D7
        ]);
        // D1 is one group naming both stacks.
        assert.match(r.markdown, /^- `spec\.channel` update: "gitops-1\.18" -> "latest" \(ai-pod-1, ai-pod-2\)$/m);
        assert.match(r.markdown, /^Release `3f2a9c1d4b5e`; 3 stacks read, 3 with drift; 9 findings in 8 groups\.$/m);
        // D5 names the objects out of sync, not the one in sync.
        assert.match(r.markdown, /OutOfSync: ClusterPolicy gpu-cluster-policy, ConfigMap nvidia-gpu-operator\/driver-config \(ai-pod-2\)/);
        for (const noise of ["resourceVersion", "managedFields", "status.state", "generation", "automated.enabled", "`operation`", "last-applied-configuration`"]) {
            assert.ok(!r.markdown.split("Noise left out")[0].includes(noise), `noise ${noise} reported`);
        }
    });

    it("is byte-stable: the same bytes from the same inputs, whatever order the folders are listed in", () => {
        const a = driftReport(path.join(fixture, "collected"), root, rings, undefined).markdown;
        const dir = copyFixture();
        try {
            // Same content, files rewritten (new inode order, new mtimes).
            for (const s of ["ai-pod-3", "ai-pod-1", "ai-pod-2"]) {
                const f = path.join(dir, s, "refresh.json");
                writeFileSync(f, readFileSync(f));
            }
            assert.equal(driftReport(dir, root, rings, undefined).markdown, a);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
        assert.equal(readFileSync(path.join(fixture, "expected-report.md"), "utf8"), a, "test/fixtures/drift/expected-report.md is the report of the fixture fleet");
    });

    it("a clean fleet: exit 0 and no drift section", () => {
        const dir = copyFixture();
        try {
            for (const s of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) {
                const f = path.join(dir, s, "refresh.json");
                const d = JSON.parse(readFileSync(f, "utf8")) as { steps: { op: string }[] };
                // Only the noise-only update stays (ai-pod-1's gpu-operator): a refresh exit 7 that is all noise is clean.
                d.steps = d.steps.filter((st) => st.op === "same" || st.op === "refresh" || (st.op === "update" && JSON.stringify(st).includes("spec.syncPolicy.automated.enabled")));
                writeFileSync(f, JSON.stringify(d));
                writeFileSync(path.join(dir, s, "applications.json"), JSON.stringify({
                    apiVersion: "v1", kind: "List", items: ["gpu-operator", "nim-llm", "splunk-otel"].map((name) => ({
                        metadata: { name }, spec: { source: { repoURL: "https://github.com/saif-ai-pod/saif-gitops.git", targetRevision: "main", path: `apps/${name}` } },
                        status: { sync: { status: "Synced", revision: "3f2a9c1d4b5e6f708192a3b4c5d6e7f8091a2b3c" }, health: { status: "Healthy" }, operationState: { phase: "Succeeded" } },
                    })),
                }));
            }
            const r = driftReport(dir, root, rings, undefined);
            assert.equal(r.exitCode, 0, r.markdown);
            assert.ok(!r.markdown.includes("## Drift"));
            assert.match(r.markdown, /3 stacks read, 0 with drift; 0 findings in 0 groups\./);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("bad input: one line each naming the file or the stack, the rest still reported, exit 1", () => {
        const dir = copyFixture();
        try {
            rmSync(path.join(dir, "ai-pod-3"), { recursive: true });
            writeFileSync(path.join(dir, "ai-pod-1", "refresh.json"), "{\"steps\": [{\"op\": 3}]}");
            writeFileSync(path.join(dir, "ai-pod-2", "refresh.exit"), "timeout\n");
            const r = driftReport(dir, root, rings, undefined);
            assert.equal(r.exitCode, 1);
            assert.deepEqual(r.problems, [
                `${path.join(dir, "ai-pod-1", "refresh.json")}: steps.0.op: Invalid input: expected string, received number; not the preview digest pulumi refresh --preview-only --json prints`,
                `${path.join(dir, "ai-pod-2", "refresh.exit")}: "timeout" is not an exit code; write the refresh's $? into it`,
                `${path.join(dir, "ai-pod-3")}: missing; no outputs were collected for stack ai-pod-3 (its job may not have run)`,
            ]);
            assert.match(r.markdown, /## Not read/);
            writeFileSync(path.join(dir, "ai-pod-1", "refresh.json"), "");
            writeFileSync(path.join(dir, "ai-pod-2", "applications.json"), "{\"kind\": \"List\"}");
            const again = driftReport(dir, root, rings, undefined);
            assert.ok(again.problems.includes(`${path.join(dir, "ai-pod-1", "refresh.json")}: empty; pulumi refresh printed nothing (see the job's log: the stack or the cluster may be unreachable)`), again.problems.join("\n"));
            assert.ok(again.problems.some((p) => p.startsWith(`${path.join(dir, "ai-pod-2", "applications.json")}: items: `)), again.problems.join("\n"));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the CLI: npm run drift:report -- <dir> prints the report and exits 7; a missing folder is one line, exit 1", function () {
        this.timeout(60_000);
        const r = spawnSync(process.execPath, [path.join(root, "cli/run.cjs"), "drift:report", path.join(fixture, "collected"), "--fleet", rings], { cwd: root, encoding: "utf8" });
        assert.equal(r.status, 7, r.stderr);
        assert.equal(r.stdout, readFileSync(path.join(fixture, "expected-report.md"), "utf8"));
        const bad = spawnSync(process.execPath, [path.join(root, "cli/run.cjs"), "drift:report", "/nonexistent/drift"], { cwd: root, encoding: "utf8" });
        assert.equal(bad.status, 1);
        assert.equal(bad.stderr, "/nonexistent/drift: no such folder; give the folder the drift workflow collected (one folder per stack)\n");
    });
});

describe("drift report: the pieces", () => {
    it("reads detailedDiff keys as Pulumi prints property paths", () => {
        assert.deepEqual(parsePropertyPath("spec.template.spec.containers[0].image"), ["spec", "template", "spec", "containers", 0, "image"]);
        assert.deepEqual(parsePropertyPath("metadata.annotations[\"pulumi.com/waitFor\"]"), ["metadata", "annotations", "pulumi.com/waitFor"]);
        assert.deepEqual(parsePropertyPath("data[\"a.b\\\"c\"].x"), ["data", "a.b\"c", "x"]);
    });
    it("noise: status, server-kept metadata, zero-value defaults; a label or a spec field is never noise", () => {
        assert.ok(isNoise(["status", "phase"], "update", "x"));
        assert.ok(isNoise(["metadata", "resourceVersion"], "update", "2"));
        assert.ok(isNoise(["spec", "source", "directory", "jsonnet"], "add", {}));
        assert.ok(!isNoise(["metadata", "labels", "x"], "delete", undefined));
        assert.ok(!isNoise(["spec", "replicas"], "add", 3));
        assert.ok(!isNoise(["spec", "syncPolicy", "automated", "enabled"], "update", false));
    });
    it("a failed refresh is a finding with its first error line; exit 1 without diagnostics says so", () => {
        const digest = parseRefresh("r.json", JSON.stringify({ diagnostics: [{ message: "configured Kubernetes cluster is unreachable\nmore", severity: "error" }, { message: "w", severity: "warning" }] }));
        assert.deepEqual(refreshFindings("s", digest, 255), [{ stack: "s", layer: "pulumi", object: "(the refresh)", what: "refresh failed", detail: "configured Kubernetes cluster is unreachable" }]);
        assert.deepEqual(refreshFindings("s", parseRefresh("r.json", "{}"), 6).map((f) => f.detail), ["pulumi refresh exited 6 (see the job's log)"]);
    });
    it("an Application pinned to a commit is compared with its pin, a chart's with nothing", () => {
        const pin = "b".repeat(40);
        const apps = [
            { metadata: { name: "sealed" }, spec: { source: { targetRevision: pin } }, status: { sync: { status: "Synced", revision: pin }, health: { status: "Healthy" } } },
            { metadata: { name: "chart" }, spec: { source: { chart: "c", targetRevision: "1.2.3" } }, status: { sync: { status: "Synced", revision: "1.2.3" }, health: { status: "Healthy" } } },
        ];
        assert.deepEqual(applicationFindings("s", apps, ["sealed", "chart"], "a".repeat(40)), []);
    });
    it("groups identical drifts once and keeps every stack (property)", () => {
        fc.assert(fc.property(
            fc.array(fc.record({ stack: fc.constantFrom("a", "b", "c", "d"), object: fc.constantFrom("X", "Y"), what: fc.constantFrom("p", "q"), detail: fc.constantFrom("1", "2") }), { maxLength: 30 }),
            (raw) => {
                const stacks = [...new Set(raw.map((f) => f.stack))];
                const results = stacks.map((s) => ({ stack: s, refreshExit: 7, findings: raw.filter((f) => f.stack === s).map((f): Finding => ({ ...f, layer: "pulumi" })) }));
                const r = renderDriftReport(results, [], undefined);
                const groups = new Set(raw.map((f) => `${f.object}|${f.what}|${f.detail}`));
                assert.equal(r.markdown.split("\n").filter((l) => l.startsWith("- `")).length, groups.size);
                const seen = new Set(findingsOf(r.markdown));
                for (const f of raw) assert.ok(seen.has(`${f.stack} Pulumi ${f.object} ${f.what}`));
                assert.equal(r.exitCode, raw.length > 0 ? 7 : 0);
            },
        ), { numRuns: 200 });
    });
});

describe("the drift workflow", () => {
    const wf = parseYaml(readFileSync(path.join(root, ".github/workflows/drift.yml"), "utf8")) as {
        on: Record<string, unknown>; permissions: Record<string, string>;
        jobs: Record<string, { needs?: string | string[]; if?: string; steps: { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string }[] }>;
    };
    it("runs on a schedule, collects per stack exactly the files the report reads, then reports once", () => {
        assert.ok("schedule" in wf.on && "workflow_dispatch" in wf.on);
        assert.equal(wf.permissions.issues, "write");
        const collect = wf.jobs.collect.steps.map((s) => s.run ?? "").join("\n");
        assert.match(collect, /pulumi refresh --stack "\$STACK" --preview-only --expect-no-changes --json --non-interactive > "drift\/\$STACK\/refresh\.json"/);
        for (const f of Object.values(collected)) assert.ok(collect.includes(`"drift/$STACK/${f}"`), `collect writes ${f}`);
        assert.match(collect, /get applications\.argoproj\.io -n "\$ns" -o json/);
        const report = wf.jobs.report;
        assert.equal(report.needs, "collect");
        assert.ok(report.if?.includes("!cancelled()"), "reports on the stacks that did collect");
        assert.ok(report.steps.some((s) => s.run?.includes("npm run --silent drift:report -- drift --revision \"$GITHUB_SHA\" --out drift-report.md")));
        assert.ok(report.steps.some((s) => s.run?.includes("gh issue edit") && s.run.includes("gh issue create")), "one issue, updated");
    });
});

describe("drift report: each rule, both ways", () => {
    it("property paths: quoted keys with escaped quotes, multi-digit indexes, bare bracket names, an unclosed bracket", () => {
        assert.deepEqual(parsePropertyPath("spec.list[12].name"), ["spec", "list", 12, "name"]);
        assert.deepEqual(parsePropertyPath("a[\"x\\\"].y\"].z"), ["a", "x\"].y", "z"]);
        assert.deepEqual(parsePropertyPath("a[key].b"), ["a", "key", "b"]);
        assert.deepEqual(parsePropertyPath("a[3"), ["a", 3]);
        assert.deepEqual(parsePropertyPath("a[1x]"), ["a", "1x"]);
    });
    it("noise: only the named metadata, only the two tool annotations, only leading __, only empty additions", () => {
        for (const f of ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"]) assert.ok(isNoise(["metadata", f], "update", "x"), f);
        assert.ok(!isNoise(["metadata", "name"], "update", "x"));
        assert.ok(!isNoise(["spec", "resourceVersion"], "update", "x"));
        assert.ok(isNoise(["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"], "update", "x"));
        assert.ok(isNoise(["metadata", "annotations", "argocd.argoproj.io/refresh"], "add", "hard"));
        assert.ok(!isNoise(["metadata", "annotations", "pulumi.com/waitFor"], "update", "x"));
        assert.ok(!isNoise(["metadata", "labels", "kubectl.kubernetes.io/last-applied-configuration"], "update", "x"));
        assert.ok(!isNoise(["spec", "annotations", "argocd.argoproj.io/refresh"], "update", "x"));
        assert.ok(isNoise(["__inputs"], "update", {}));
        assert.ok(!isNoise(["inputs__"], "update", "x"));
        assert.ok(isNoise(["operation"], "delete", undefined));
        for (const empty of [undefined, null, "", [], {}]) assert.ok(isNoise(["spec", "x"], "add", empty), JSON.stringify(empty));
        for (const value of [false, 0, "x", [1], { a: 1 }, true]) assert.ok(!isNoise(["spec", "x"], "add", value), JSON.stringify(value));
        assert.ok(!isNoise(["spec", "x"], "update", ""), "an update to empty is drift");
        assert.ok(isNoise(["spec", "x"], "add-replace", null));
        // automated.enabled: written out as its default is noise; turned off by hand is drift.
        assert.ok(isNoise(["spec", "syncPolicy", "automated", "enabled"], "add", true));
        assert.ok(!isNoise(["spec", "syncPolicy", "automated", "enabled"], "add", false));
        assert.ok(!isNoise(["spec", "syncPolicy", "automated", "enabled"], "update", true));
        assert.ok(!isNoise(["spec", "other", "enabled"], "add", true));
    });
    const step = (op: string, urn: string, before?: unknown, after?: unknown, detailedDiff?: Record<string, { kind: string }> | null, diffReasons?: string[]) =>
        ({ op, urn, ...(before ? { oldState: { outputs: before } } : {}), ...(after ? { newState: { outputs: after } } : {}), detailedDiff, diffReasons });
    const urn = "urn:pulumi:s::saif-platform::saif:bootstrap:X$kubernetes:core/v1:ConfigMap::cm";
    it("refresh: names objects by kind, namespace and name, else by the URN; diffReasons when no detailedDiff; long values cut", () => {
        const cm = (v: string) => ({ kind: "ConfigMap", metadata: { name: "cm", namespace: "ns" }, data: { v } });
        const long = "y".repeat(100);
        const digest = parseRefresh("r", JSON.stringify({ steps: [
            step("update", urn, cm("a"), cm(long), { "data.v": { kind: "update" } }),
            step("update", urn, { data: 1 }, { data: 2 }, null, ["data"]),
            step("refresh", urn, cm("a"), cm("b"), { "data.v": { kind: "update" } }),
            step("same", urn, cm("a"), cm("b")),
        ] }));
        assert.deepEqual(refreshFindings("s", digest, 7), [
            { stack: "s", layer: "pulumi", object: "ConfigMap ns/cm", what: "data.v", detail: `update: "a" -> ${JSON.stringify(long).slice(0, 77)}...` },
            { stack: "s", layer: "pulumi", object: "kubernetes:core/v1:ConfigMap cm", what: "data", detail: "update: 1 -> 2" },
        ]);
        const exact80 = "z".repeat(78);
        assert.equal(refreshFindings("s", parseRefresh("r", JSON.stringify({ steps: [step("update", urn, cm("a"), cm(exact80), { "data.v": { kind: "update" } })] })), 7)[0].detail,
            `update: "a" -> "${exact80}"`);
        // A cluster-scoped object has no namespace part.
        assert.equal(refreshFindings("s", parseRefresh("r", JSON.stringify({ steps: [step("delete", urn, { kind: "Namespace", metadata: { name: "n" } })] })), 7)[0].object, "Namespace n");
        // Exit 0 or 7 with no error is not a failure; a warning diagnostic is not either.
        assert.deepEqual(refreshFindings("s", parseRefresh("r", "{\"diagnostics\": [{\"message\": \"w\", \"severity\": \"warning\"}]}"), 0), []);
        assert.deepEqual(refreshFindings("s", parseRefresh("r", "{}"), 7), []);
        // An error diagnostic on a resource names it.
        assert.equal(refreshFindings("s", parseRefresh("r", JSON.stringify({ diagnostics: [{ urn, message: " boom \nmore", severity: "error" }] })), 1)[0].object, "kubernetes:core/v1:ConfigMap cm");
        assert.equal(refreshFindings("s", parseRefresh("r", JSON.stringify({ diagnostics: [{ urn, message: " boom \nmore", severity: "error" }] })), 1)[0].detail, "boom");
    });
    it("Argo CD: out-of-sync objects listed (ten, then a count), health and failed-sync messages to their first line, Progressing not counted", () => {
        const resources = Array.from({ length: 12 }, (_, i) => ({ kind: "ConfigMap", namespace: "n", name: `c${String(i).padStart(2, "0")}`, status: "OutOfSync" }));
        const apps = [
            { metadata: { name: "b" }, status: { sync: { status: "OutOfSync" }, health: { status: "Degraded", message: "first\nsecond" }, operationState: { phase: "Error", message: "x\ny" }, resources } },
            { metadata: { name: "a" }, status: { sync: { status: "Synced" }, health: { status: "Progressing" }, operationState: { phase: "Running" } } },
            { metadata: { name: "c" }, status: { sync: { status: "OutOfSync" }, health: { status: "Healthy" }, resources: [{ kind: "Job", name: "j", status: "Synced" }] } },
        ];
        const f = applicationFindings("s", apps, ["a", "b", "c"], undefined);
        assert.deepEqual(f.map((x) => `${x.object} ${x.what}: ${x.detail}`), [
            `Application b sync: OutOfSync: ${resources.slice(0, 10).map((r) => `ConfigMap n/${r.name}`).join(", ")}, and 2 more`,
            "Application b health: Degraded: first",
            "Application b last sync failed: Error: x",
            "Application c sync: OutOfSync",
        ]);
        const ten = applicationFindings("s", [{ metadata: { name: "t" }, status: { sync: { status: "OutOfSync" }, health: { status: "Healthy" }, resources: resources.slice(0, 10) } }], [], undefined);
        assert.ok(!ten[0].detail.includes("more"));
        // No status at all: Unknown sync and health.
        assert.deepEqual(applicationFindings("s", [{ metadata: { name: "u" } }], [], undefined).map((x) => x.detail), ["Unknown", "Unknown"]);
        // A branch-following Application at another commit, and one with no revision yet.
        const rel = "c".repeat(40);
        const behind = applicationFindings("s", [{ metadata: { name: "r" }, spec: { source: { targetRevision: "main" } }, status: { sync: { status: "Synced", revision: "d".repeat(40) }, health: { status: "Healthy" } } },
            { metadata: { name: "q" }, spec: { source: { targetRevision: "main" } }, status: { sync: { status: "Synced" }, health: { status: "Healthy" } } }], [], rel);
        assert.deepEqual(behind.map((x) => x.detail), [`at (none), release ${"c".repeat(12)}`, `at ${"d".repeat(12)}, release ${"c".repeat(12)}`]);
    });
    it("managed Applications: by name from the outputs (old or new), never a deleted one", () => {
        const appUrn = (n: string) => `urn:pulumi:s::p::saif:tiers:Tier$kubernetes:argoproj.io/v1alpha1:Application::${n}`;
        const digest = parseRefresh("r", JSON.stringify({ steps: [
            step("refresh", appUrn("x"), { metadata: { name: "real-x" } }),
            step("refresh", appUrn("y"), undefined, { metadata: { name: "real-y" } }),
            step("refresh", appUrn("z")),
            step("delete", appUrn("gone"), { metadata: { name: "gone" } }),
            step("refresh", urn, { metadata: { name: "not-an-app" } }),
        ] }));
        assert.deepEqual(managedApplications(digest), ["real-x", "real-y", "z"]);
    });
    it("exit codes and malformed files: one line each", () => {
        assert.equal(parseExitCode("f", " 7\n"), 7);
        assert.equal(parseExitCode("f", "255"), 255);
        for (const bad of ["1234", "x7", "7x", ""]) assert.throws(() => parseExitCode("f", bad), /^Error: f: .* is not an exit code/);
        assert.throws(() => parseRefresh("f", "{"), /^Error: f: not JSON/);
        assert.throws(() => parseApplications("f", "nope"), /^Error: f: not JSON/);
    });
    it("the report's counts and sections: singular and plural, problems, no release", () => {
        const one = renderDriftReport([{ stack: "a", refreshExit: 7, findings: [{ stack: "a", layer: "argocd", object: "Application x", what: "health", detail: "Degraded" }] }], ["p1"], undefined);
        assert.match(one.markdown, /^No release given \(--revision\): revisions not compared; 1 stack read, 1 with drift; 1 finding in 1 group; 1 input problem\.$/m);
        assert.match(one.markdown, /\| `a` \| 7 \| clean \| 1 drifted \|/);
        assert.match(one.markdown, /## Not read\n\n- p1/);
        assert.equal(one.exitCode, 1);
        const two = renderDriftReport([{ stack: "a", refreshExit: 0, findings: [] }, { stack: "b", refreshExit: 0, findings: [] }], ["p1", "p2"], "e".repeat(40));
        assert.match(two.markdown, /^Release `eeeeeeeeeeee`; 2 stacks read, 0 with drift; 0 findings in 0 groups; 2 input problems\.$/m);
    });
});
