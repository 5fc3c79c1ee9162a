import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { formatDuration, planCluster } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { labelPrefix } from "../lib/application";
import { rolloutWorkflow } from "../lib/rolloutWorkflow";
import { applicationsVerdict, Fleet, LiveApplication, parseFleet, parseJournal, simulate } from "../lib/rollout";
import { parseClusterConfig } from "../stacks/parse";
import type { ClusterConfig } from "../stacks/types";
import { checkInputFile, loadStack, readYaml, stackNames } from "./stackFile";

/** A stack's time to ready, in seconds: its gated estimate (`npm run plan`). */
export const readyEstimate = (config: ClusterConfig) => planCluster(config).gated.totalSeconds;

/** A default deadline: the estimate with a margin (half again, plus ten minutes for the bootstrap and Pulumi's own steps). */
export const deadlineFromEstimate = (seconds: number) => Math.ceil(seconds * 1.5) + 600;

/** Each stack's estimate from its stack file in `dir`, each file read once per command (undefined: no stack file). */
export function estimator(dir: string): (stack: string) => number | undefined {
    const known = new Map<string, number | undefined>();
    return (stack) => {
        if (!known.has(stack)) known.set(stack, existsSync(path.join(dir, `Pulumi.${stack}.yaml`)) ? readyEstimate(parseClusterConfig(loadStack(dir, stack))) : undefined);
        return known.get(stack);
    };
}

/** A flag's whole number of seconds, or one line. */
function wholeSeconds(flag: string, value: string, hint = ""): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new ConfigProblems([`--${flag}: ${JSON.stringify(value)} is not a whole number of seconds${hint}`]);
    return n;
}

/** The fleet file, checked against the repository's stack files; `shown` is the name its error lines use. */
export function loadFleet(dir: string, file: string, estimate = estimator(dir), shown = file): Fleet {
    checkInputFile("--fleet", file);
    const deadline = (s: string) => {
        const e = estimate(s);
        return e === undefined ? undefined : deadlineFromEstimate(e);
    };
    return parseFleet(shown, readYaml(file, "the fleet file"), (s) => existsSync(path.join(dir, `Pulumi.${s}.yaml`)), deadline, stackNames(dir));
}

/**
 * The ring plan: which stacks a rollout touches, ring by ring, with each ring's deadline and its estimated end, from
 * the same simulator run with every stack healthy at its estimate (or at its simulated outcome).
 */
export function ringPlan(dir: string, fleet: Fleet, changed?: ReadonlySet<string>, estimate = estimator(dir)): string {
    const names = (stacks: readonly string[]) => stacks.map((s) => (changed && !changed.has(s) ? `${s} (no change)` : s)).join(", ");
    const outcomes = fleet.outcomes ?? Object.fromEntries(fleet.rings.flatMap((r) => r.stacks.map((s) => [s, { healthyAfter: estimate(s) ?? r.deadlineSeconds }])));
    const run = simulate({ ...fleet, outcomes });
    const lines = [`Rollout plan: ${fleet.rings.length} rings, ${fleet.rings.reduce((n, r) => n + r.stacks.length, 0)} stacks${fleet.outcomes ? " (simulated outcomes)" : ", each healthy at its estimate"}`];
    let previousEnd = 0;
    for (const [i, r] of fleet.rings.entries()) {
        // A ring ends when the next one starts (its soak over), the last one when the rollout completes.
        const next = fleet.rings[i + 1];
        const nextStarts = next ? run.output.touched.filter((t) => next.stacks.includes(t.stack)).map((t) => t.startSeconds) : [];
        const end = next ? (nextStarts.length > 0 ? Math.min(...nextStarts) : undefined) : run.output.completedAtSeconds ?? undefined;
        const head = `  ${i + 1}. ${r.name}: ${names(r.stacks)} (at most ${r.maxParallel} at once, deadline ${formatDuration(r.deadlineSeconds)} each, ` +
            `failure budget ${r.failureBudget}, soak ${formatDuration(r.soakSeconds)})`;
        if (end === undefined) {
            lines.push(`${head}: from ${formatDuration(previousEnd)}, halts at ${formatDuration(run.output.haltedAtSeconds ?? previousEnd)}: ${run.output.haltReason}`);
            lines.push(...fleet.rings.slice(i + 1).map((later, k) => `  ${i + k + 2}. ${later.name}: ${names(later.stacks)}: not reached`));
            return lines.join("\n");
        }
        lines.push(`${head}: ${formatDuration(previousEnd)} -> ${formatDuration(end)}`);
        previousEnd = end;
    }
    lines.push(`  total: ${formatDuration(previousEnd)}${fleet.outcomes ? "" : " if every stack turns healthy at its estimate"}`);
    return lines.join("\n");
}

/**
 * The PR comment's rollout section: which stacks a merge would touch, ring by ring, each ring's deadline and window
 * at the estimates, and the total (what `npm run fleet -- plan` prints). Never fails the comment: a fleet file that
 * is missing or wrong is one line saying so.
 */
export function rolloutSection(dir: string, changed: ReadonlySet<string>): string {
    const file = path.join(dir, "fleet", "rings.yaml");
    if (!existsSync(file)) return "";
    try {
        const estimate = estimator(dir);
        const fleet = loadFleet(dir, file, estimate, "fleet/rings.yaml");
        const count = fleet.rings.reduce((n, r) => n + r.stacks.length, 0);
        const touched = fleet.rings.flatMap((r) => r.stacks).filter((s) => changed.has(s));
        return `**Rollout after merge** (\`fleet/rings.yaml\`, run by \`.github/workflows/rollout.yml\`): this change touches ${touched.length} of ${count} stacks` +
            `${touched.length > 0 ? ` (${touched.join(", ")})` : ""}.\n\n\`\`\`text\n${ringPlan(dir, fleet, changed, estimate)}\n\`\`\``;
    } catch (e) {
        const why = e instanceof ConfigProblems ? e.lines[0] : e instanceof Error ? e.message : String(e);
        return `**Rollout after merge**: no ring plan: ${why}`;
    }
}

/**
 * `fleet verify`: the stack's cluster has taken the release: every platform Application Synced and Healthy, the ones
 * reading this repository at `--revision`. Without --soak it polls until that holds or the deadline passes; with
 * --soak it samples over that window and fails on any sample that does not hold. Reads the cluster with kubectl.
 */
export function verifyCommand(values: { stack?: string; config?: string; revision?: string; deadline?: string; soak?: string; interval?: string }): number {
    if (!values.stack) throw new ConfigProblems(["--stack: missing; give the stack whose cluster to verify"]);
    if (!values.revision || !/^[0-9a-f]{7,40}$/.test(values.revision)) throw new ConfigProblems([`--revision: ${JSON.stringify(values.revision ?? "")} is not a commit; give the commit the rollout applied (github.sha)`]);
    const config = parseClusterConfig(loadStack(process.cwd(), values.stack, values.config));
    // The default deadline comes from the stack file just read (--config included), not read again.
    const deadline = values.deadline === undefined ? deadlineFromEstimate(readyEstimate(config)) : wholeSeconds("deadline", values.deadline);
    const soak = values.soak === undefined ? undefined : wholeSeconds("soak", values.soak);
    const interval = values.interval === undefined ? 15 : wholeSeconds("interval", values.interval);
    const expected = config.components.map((c) => c.name);
    const check = (): string[] => {
        const args = [...(config.kubernetes.context ? ["--context", config.kubernetes.context] : []), "-n", config.argocd.namespace,
            "get", "applications.argoproj.io", "-l", `${labelPrefix}/component`, "-o", "json", "--request-timeout=20s"];
        const r = spawnSync("kubectl", args, { encoding: "utf8" });
        if (r.error || r.status !== 0) return [`kubectl: ${(r.error?.message ?? r.stderr).trim().split("\n")[0]}`];
        return applicationsVerdict((JSON.parse(r.stdout) as { items: LiveApplication[] }).items, expected, config.gitops.repoUrl, values.revision!);
    };
    const start = Date.now();
    const window = (soak ?? deadline) * 1000;
    for (;;) {
        const problems = check();
        const elapsed = Date.now() - start;
        if (soak === undefined && problems.length === 0) {
            console.log(`${values.stack}: all ${expected.length} Applications Synced and Healthy at ${values.revision.slice(0, 12)} after ${Math.round(elapsed / 1000)} s`);
            return 0;
        }
        if (soak !== undefined && problems.length > 0) {
            console.error(`${values.stack}: unhealthy during the soak, ${Math.round(elapsed / 1000)} s in:\n${problems.map((p) => `  ${p}`).join("\n")}`);
            return 1;
        }
        if (elapsed + interval * 1000 > window) {
            if (soak !== undefined) {
                console.log(`${values.stack}: healthy through the ${soak} s soak`);
                return 0;
            }
            console.error(`${values.stack}: not healthy by its deadline (${deadline} s):\n${problems.map((p) => `  ${p}`).join("\n")}`);
            return 1;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, interval * 1000);
    }
}

/** `fleet simulate`: the decision function against simulated stacks; exit 0 when the rollout completes, 1 when it halts. */
export function fleetCommand(sub: string | undefined, values: { fleet?: string; json?: boolean; "stop-at"?: string; state?: string; resume?: string; stack?: string; config?: string;
    revision?: string; deadline?: string; soak?: string; interval?: string; out?: string }): number {
    const dir = process.cwd();
    if (sub === "verify") return verifyCommand(values);
    if (sub === "workflow") {
        const fleet = loadFleet(dir, path.resolve(values.fleet ?? "fleet/rings.yaml"));
        if (fleet.outcomes) throw new ConfigProblems([`${values.fleet}: outcomes: a simulated fleet has no workflow; give the real fleet file`]);
        const out = path.resolve(values.out ?? ".github/workflows/rollout.yml");
        writeFileSync(out, rolloutWorkflow(fleet));
        console.log(`Wrote ${path.relative(dir, out)}: ${fleet.rings.length} rings, ${fleet.rings.reduce((n, r) => n + r.stacks.length, 0)} stacks`);
        return 0;
    }
    if (sub === "plan") {
        const estimate = estimator(dir);
        console.log(ringPlan(dir, loadFleet(dir, path.resolve(values.fleet ?? "fleet/rings.yaml"), estimate), undefined, estimate));
        return 0;
    }
    if (sub !== "simulate") throw new ConfigProblems([`fleet: ${JSON.stringify(sub ?? "")} is not a fleet command; use fleet plan, fleet simulate, fleet verify or fleet workflow`]);
    if (!values.fleet) throw new ConfigProblems(["--fleet: missing; give the fleet file (rings, soak, deadline, budget, outcomes)"]);
    const fleet = loadFleet(dir, path.resolve(values.fleet));
    if (!fleet.outcomes) throw new ConfigProblems([`${values.fleet}: outcomes: missing; simulate needs each stack's outcome (healthyAfter, failsAfter or stuck)`]);
    let stopAt: number | undefined;
    if (values["stop-at"] !== undefined) {
        stopAt = wholeSeconds("stop-at", values["stop-at"], "; give seconds from the rollout's start");
        if (!values.state) throw new ConfigProblems(["--state: missing; --stop-at writes the journal there, for --resume"]);
    }
    let resume;
    if (values.resume) {
        checkInputFile("--resume", values.resume);
        let raw: unknown;
        try {
            raw = JSON.parse(readFileSync(values.resume, "utf8"));
        } catch (e) {
            throw new ConfigProblems([`${values.resume}: not JSON (${e instanceof Error ? e.message : String(e)}); give a journal written by fleet simulate --state`]);
        }
        resume = parseJournal(values.resume, raw);
    }
    const r = simulate(fleet, { ...(stopAt !== undefined ? { stopAt } : {}), ...(resume ? { resume } : {}) });
    if (values.state) writeFileSync(values.state, `${JSON.stringify(r.journal, null, 2)}\n`);
    if (values.json) console.log(JSON.stringify(r.output));
    else {
        for (const t of r.output.touched) console.log(`${String(t.startSeconds).padStart(7)} s  start ${t.stack}`);
        console.log(r.output.halted ? `halted at ${r.output.haltedAtSeconds} s: ${r.output.haltReason}`
            : r.output.completedAtSeconds !== null ? `completed at ${r.output.completedAtSeconds} s` : `stopped at ${stopAt} s (journal in ${values.state})`);
    }
    return r.output.halted ? 1 : 0;
}
