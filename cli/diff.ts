import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { diffDocument, diffReport, PlanSnapshot } from "../lib/diffReport";
import type { PlanSummary } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { buildPlan, writePlan } from "./plan";
import { checkOutFile } from "./files";
import { stackNames } from "./stackFile";

export interface DiffFlags {
    stack?: string;
    base?: string;
    out?: string;
    "all-stacks"?: boolean;
}

function git(cwd: string, args: string[]): string {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new ConfigProblems([`git ${args.join(" ")}: ${(r.stderr || r.stdout).trim().split("\n")[0]}`]);
    return r.stdout.trim();
}

/** Read what `plan --out` wrote. */
export function readSnapshot(dir: string): PlanSnapshot {
    const manifests = new Map<string, string>();
    const mdir = path.join(dir, "manifests");
    if (existsSync(mdir)) {
        for (const f of readdirSync(mdir).sort()) {
            // Keyed by the object, not the file: the number prefix is a position, and a move is not an add plus a remove.
            const text = readFileSync(path.join(mdir, f), "utf8");
            const obj = parseYaml(text) as { kind?: string; metadata?: { name?: string; namespace?: string } };
            const patch = f.includes("-patch-") ? " (patch)" : "";
            manifests.set(`${obj.kind ?? "?"}${patch}/${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? f}`, text);
        }
    }
    // The rendered content: per component, each object keyed by kind/namespace/name (positions are not identity).
    const rendered = new Map<string, Map<string, string>>();
    const rdir = path.join(dir, "rendered");
    if (existsSync(rdir)) {
        for (const component of readdirSync(rdir).sort()) {
            const objects = new Map<string, string>();
            for (const f of readdirSync(path.join(rdir, component)).sort()) {
                const text = readFileSync(path.join(rdir, component, f), "utf8");
                if (f === "chart.yaml") {
                    objects.set("chart", text);
                    continue;
                }
                const obj = parseYaml(text) as { kind?: string; metadata?: { name?: string; namespace?: string } };
                objects.set(`${obj.kind ?? "?"}/${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? f}`, text);
            }
            rendered.set(component, objects);
        }
    }
    const summaryFile = path.join(dir, "plan.json");
    const graphFile = path.join(dir, "graph.mmd");
    return {
        ...(existsSync(summaryFile) ? { summary: JSON.parse(readFileSync(summaryFile, "utf8")) as PlanSummary } : {}),
        manifests,
        ...(rendered.size > 0 ? { rendered } : {}),
        ...(existsSync(graphFile) ? { graph: readFileSync(graphFile, "utf8") } : {}),
    };
}

/** Plan a stack in this process (this checkout's code), write it to `out` as `plan --out` does, and read it back. */
export async function planAndRead(dir: string, stack: string, out: string, configFile?: string, valuesFile?: string): Promise<PlanSnapshot> {
    writePlan(out, await buildPlan(dir, stack, configFile, valuesFile));
    return readSnapshot(out);
}

/** Run `plan --out` of the checkout in `cwd` (its own code and config) in a fresh process. */
export function planSnapshot(cwd: string, stack: string, out: string, tsx: string): PlanSnapshot {
    if (!existsSync(path.join(cwd, `Pulumi.${stack}.yaml`))) return { manifests: new Map(), missing: `no Pulumi.${stack}.yaml` };
    const r = spawnSync(process.execPath, [tsx, "cli/main.ts", "plan", "--stack", stack, "--out", out], { cwd, encoding: "utf8" });
    if (r.status !== 0) return { manifests: new Map(), missing: `plan failed: ${(r.stderr || r.stdout).trim().split("\n").slice(0, 5).join("; ")}` };
    return readSnapshot(out);
}

export function diffCommand(flags: DiffFlags): number {
    const problems: string[] = [];
    if (!flags.base) problems.push("--base: is required; e.g. npm run plan:diff -- --stack ai-pod-1 --base origin/main");
    if (!flags.stack && !flags["all-stacks"]) problems.push("--stack: is required unless --all-stacks is given");
    if (flags.stack && flags["all-stacks"]) problems.push("--stack: and --all-stacks together; give one stack, or all of them");
    if (flags.out) {
        try {
            checkOutFile("--out", flags.out);
        } catch (e) {
            if (e instanceof ConfigProblems) problems.push(...e.lines);
            else throw e;
        }
    }
    if (flags.stack && !flags["all-stacks"] && !existsSync(path.join(process.cwd(), `Pulumi.${flags.stack}.yaml`)) && flags.base) {
        // Unknown here; the base may still have it (a removed stack is a diff too).
        const top = git(process.cwd(), ["rev-parse", "--show-toplevel"]);
        const inBase = spawnSync("git", ["cat-file", "-e", `${flags.base}:Pulumi.${flags.stack}.yaml`], { cwd: top }).status === 0;
        if (!inBase) problems.push(`--stack ${flags.stack}: no Pulumi.${flags.stack}.yaml here nor at ${flags.base}; stacks here: ${stackNames(process.cwd()).join(", ")}`);
    }
    if (problems.length > 0) throw new ConfigProblems(problems);
    const { markdown, failed } = planDiffResult(process.cwd(), flags.base!, flags["all-stacks"] ? undefined : flags.stack!);
    if (flags.out) {
        writeFileSync(flags.out, markdown);
        console.log(`Wrote ${flags.out}`);
    } else {
        process.stdout.write(markdown);
    }
    // The comment is written either way; a change whose own plan fails must not pass the check.
    if (failed.length > 0) console.error(`the plan of the change failed for: ${failed.join(", ")} (see the report)`);
    return failed.length > 0 ? 1 : 0;
}

/** The PR comment for the working tree against `base`. */
export function planDiff(cwd: string, base: string, stack?: string): string {
    return planDiffResult(cwd, base, stack).markdown;
}

/** The PR comment for the working tree against `base` (a clean worktree of the base ref, no network), and the stacks whose plan failed. */
export function planDiffResult(cwd: string, base: string, stack?: string): { markdown: string; failed: string[] } {
    const top = git(cwd, ["rev-parse", "--show-toplevel"]);
    const baseSha = git(top, ["rev-parse", "--verify", `${base}^{commit}`]);
    const tmp = mkdtempSync(path.join(tmpdir(), "plan-diff-"));
    const worktree = path.join(tmp, "base");
    git(top, ["worktree", "add", "--detach", worktree, baseSha]);
    // Ctrl-C must not leave a registered worktree behind (git would keep listing it).
    const cleanup = () => {
        spawnSync("git", ["worktree", "remove", "--force", worktree], { cwd: top });
        rmSync(tmp, { recursive: true, force: true });
    };
    const onSignal = (signal: NodeJS.Signals) => {
        cleanup();
        process.kill(process.pid, signal);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        // The base runs its own code with this checkout's installed packages.
        if (existsSync(path.join(top, "node_modules")) && !existsSync(path.join(worktree, "node_modules"))) {
            symlinkSync(path.join(top, "node_modules"), path.join(worktree, "node_modules"), "dir");
        }
        const tsx = path.join(top, "node_modules", "tsx", "dist", "cli.mjs");
        const stacks = stack ? [stack] : [...new Set([...stackNames(top), ...stackNames(worktree)])].sort();
        const sections: string[] = [];
        const failed: string[] = [];
        for (const [i, s] of stacks.entries()) {
            // Progress on stderr: stdout is the report.
            if (stacks.length > 1) process.stderr.write(`plan:diff ${i + 1}/${stacks.length} ${s}\n`);
            const before = planSnapshot(worktree, s, path.join(tmp, `before-${s}`), tsx);
            const after = planSnapshot(top, s, path.join(tmp, `after-${s}`), tsx);
            if (after.missing?.startsWith("plan failed")) failed.push(s);
            sections.push(diffReport(s, before, after));
        }
        return { markdown: diffDocument(sections, `${base} (${baseSha.slice(0, 12)})`), failed };
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        cleanup();
    }
}
