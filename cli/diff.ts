import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { fitComment, StackSection } from "../lib/commentFit";
import { diffDocument, diffHead, diffReport, PlanSnapshot, sectionResult } from "../lib/diffReport";
import { objectKey } from "../lib/objectKey";
import type { PlanSummary } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { checkOutFile } from "./files";
import { rolloutSection } from "./fleet";
import { stackNames } from "./stackFile";

export interface DiffFlags {
    stack?: string;
    base?: string;
    /** The PR comment: under GitHub's limit (lib/commentFit.ts). */
    out?: string;
    /** The whole report, uncut (the workflow's artifact). */
    full?: string;
    "all-stacks"?: boolean;
}

function git(cwd: string, args: string[]): string {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new ConfigProblems([`git ${args.join(" ")}: ${(r.stderr || r.stdout).trim().split("\n")[0]}`]);
    return r.stdout.trim();
}

/** Read what `plan --out` wrote (or `plan --stacks ... --snapshot`: one snapshot.json). */
export function readSnapshot(dir: string): PlanSnapshot {
    const bundle = path.join(dir, "snapshot.json");
    if (existsSync(bundle)) {
        const b = JSON.parse(readFileSync(bundle, "utf8")) as { summary: PlanSummary; manifests: [string, string][]; rendered: Record<string, [string, string][]>; graph: string };
        const rendered = new Map(Object.entries(b.rendered).map(([c, objects]) => [c, new Map(objects)]));
        return { summary: b.summary, manifests: new Map(b.manifests), ...(rendered.size > 0 ? { rendered } : {}), graph: b.graph };
    }
    const manifests = new Map<string, string>();
    const mdir = path.join(dir, "manifests");
    if (existsSync(mdir)) {
        for (const f of readdirSync(mdir).sort()) {
            const text = readFileSync(path.join(mdir, f), "utf8");
            const obj = parseYaml(text) as { kind?: string; metadata?: { name?: string; namespace?: string } };
            manifests.set(objectKey(obj.kind ?? "?", obj.metadata?.namespace, obj.metadata?.name ?? f, f.includes("-patch-")), text);
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
                objects.set(objectKey(obj.kind ?? "?", obj.metadata?.namespace, obj.metadata?.name ?? f), text);
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

/** A checkout's planning command: its compiled CLI when it has one, else tsx (an older base). */
function planner(cwd: string, top: string): { command: string[]; multi: boolean } {
    if (existsSync(path.join(cwd, "cli", "run.cjs"))) return { command: [path.join(cwd, "cli", "run.cjs")], multi: true };
    return { command: [path.join(top, "node_modules", "tsx", "dist", "cli.mjs"), "cli/main.ts"], multi: false };
}

function run(cwd: string, args: string[]): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => { output += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { output += d.toString(); });
        child.on("close", (status) => resolve({ status, output }));
    });
}

/**
 * Plan `stacks` of the checkout in `cwd` (its own code and config) into `out/<stack>/`: one process for all of
 * them when its CLI plans several stacks, else one process per stack (a base from before multi-stack planning).
 */
async function planSide(cwd: string, top: string, stacks: readonly string[], out: string): Promise<Map<string, PlanSnapshot>> {
    const present = stacks.filter((s) => existsSync(path.join(cwd, `Pulumi.${s}.yaml`)));
    const { command, multi } = planner(cwd, top);
    const snapshots = new Map<string, PlanSnapshot>();
    let done = false;
    if (multi && present.length > 0) {
        // A larger young generation cuts GC work when one process plans many stacks (research: plan-performance §2).
        const r = await run(cwd, ["--max-semi-space-size=64", ...command, "plan", "--stacks", present.join(","), "--out", out, "--snapshot"]);
        // Exit 2 is a usage error: this CLI does not know --stacks; plan stack by stack instead.
        done = r.status !== 2;
    }
    if (!done) {
        for (const s of present) {
            const r = await run(cwd, [...command, "plan", "--stack", s, "--out", path.join(out, s)]);
            if (r.status !== 0) {
                mkdirSync(path.join(out, s), { recursive: true });
                writeFileSync(path.join(out, s, "error.txt"), r.output);
            }
        }
    }
    for (const s of stacks) {
        const dir = path.join(out, s);
        const error = path.join(dir, "error.txt");
        if (!present.includes(s)) snapshots.set(s, { manifests: new Map(), missing: `no Pulumi.${s}.yaml` });
        else if (existsSync(error) || !(existsSync(path.join(dir, "preview.json")) || existsSync(path.join(dir, "snapshot.json")))) {
            const text = existsSync(error) ? readFileSync(error, "utf8") : "no plan written";
            snapshots.set(s, { manifests: new Map(), missing: `plan failed: ${text.trim().split("\n").slice(0, 5).join("; ")}` });
        } else snapshots.set(s, readSnapshot(dir));
    }
    return snapshots;
}

/**
 * Stacks whose plan cannot differ from the base's: when the only paths that differ from the base (tracked changes
 * and untracked files) are other stacks' `Pulumi.<stack>.yaml` and Markdown, every stack whose own file is among the
 * unchanged plans the same. Anything else changed (code, apps/, Pulumi.yaml, the lock file): none is skipped.
 */
export function unchangedStacks(top: string, baseSha: string, stacks: readonly string[]): Set<string> {
    const changed = [
        ...git(top, ["diff", "--name-only", baseSha]).split("\n"),
        ...git(top, ["ls-files", "--others", "--exclude-standard"]).split("\n"),
    ].filter(Boolean);
    const stackFile = /^Pulumi\.(.+)\.yaml$/;
    if (changed.some((f) => !stackFile.test(f) && !f.endsWith(".md"))) return new Set();
    const touched = new Set(changed.map((f) => stackFile.exec(f)?.[1]).filter((s): s is string => s !== undefined));
    return new Set(stacks.filter((s) => !touched.has(s) && existsSync(path.join(top, `Pulumi.${s}.yaml`))));
}

export async function diffCommand(flags: DiffFlags): Promise<number> {
    const problems: string[] = [];
    if (!flags.base) problems.push("--base: is required; e.g. npm run plan:diff -- --stack ai-pod-1 --base origin/main");
    if (!flags.stack && !flags["all-stacks"]) problems.push("--stack: is required unless --all-stacks is given");
    if (flags.stack && flags["all-stacks"]) problems.push("--stack: and --all-stacks together; give one stack, or all of them");
    for (const [flag, file] of [["--out", flags.out], ["--full", flags.full]] as const) {
        if (!file) continue;
        try {
            checkOutFile(flag, file);
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
    const { markdown, full, failed } = await planDiffResult(process.cwd(), flags.base!, flags["all-stacks"] ? undefined : flags.stack!);
    if (flags.out) {
        writeFileSync(flags.out, markdown);
        console.log(`Wrote ${flags.out} (${markdown.length} characters${markdown.length < full.length ? `, cut from ${full.length} to fit GitHub's comment limit` : ""})`);
    } else {
        process.stdout.write(markdown);
    }
    if (flags.full) {
        writeFileSync(flags.full, full);
        console.log(`Wrote ${flags.full} (the whole report, ${full.length} characters)`);
    }
    // The comment is written either way; a change whose own plan fails must not pass the check.
    if (failed.length > 0) console.error(`the plan of the change failed for: ${failed.join(", ")} (see the report)`);
    return failed.length > 0 ? 1 : 0;
}

/** The PR comment for the working tree against `base`. */
export async function planDiff(cwd: string, base: string, stack?: string): Promise<string> {
    return (await planDiffResult(cwd, base, stack)).markdown;
}

/**
 * The PR comment for the working tree against `base` (a clean worktree of the base ref, no network), under GitHub's
 * comment limit; the whole report; and the stacks whose plan failed.
 */
export async function planDiffResult(cwd: string, base: string, stack?: string): Promise<{ markdown: string; full: string; failed: string[] }> {
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
        const stacks = stack ? [stack] : [...new Set([...stackNames(top), ...stackNames(worktree)])].sort();
        // A stack whose file and everything else it is planned from (code, apps/, charts' pins) are the same at the base
        // plans the same: only the stacks whose own file changed are planned, when nothing else did.
        const same = unchangedStacks(top, baseSha, stacks);
        const toPlan = stacks.filter((s) => !same.has(s));
        if (stacks.length > 1) process.stderr.write(`plan:diff: planning ${toPlan.length} of ${stacks.length} stacks, base and change in parallel${same.size > 0 ? ` (${same.size} unchanged)` : ""}\n`);
        // One planning process per side, both sides at once; the parent never loads the SDK.
        const [before, after] = await Promise.all([
            planSide(worktree, top, toPlan, path.join(tmp, "before")),
            planSide(top, top, toPlan, path.join(tmp, "after")),
        ]);
        const sections: string[] = [];
        const failed: string[] = [];
        for (const s of stacks) {
            if (same.has(s)) {
                sections.push(`## Stack \`${s}\`\n\nNo changes: its stack file and everything it is planned from are as at the base (only other stacks' files changed), so it was not planned again.`);
                continue;
            }
            const a = after.get(s)!;
            if (a.missing?.startsWith("plan failed")) failed.push(s);
            sections.push(diffReport(s, before.get(s)!, a));
        }
        const baseName = `${base} (${baseSha.slice(0, 12)})`;
        const parts: StackSection[] = stacks.map((s, i) => ({ stack: s, result: sectionResult(sections[i]), markdown: sections[i] }));
        // Which stacks a merge touches, ring by ring (a stack whose plan is unchanged is marked so).
        const changed = new Set(parts.filter((p) => p.result !== "No changes").map((p) => p.stack));
        const rollout = rolloutSection(top, changed);
        const head = [diffHead(baseName), ...(rollout ? [rollout] : [])].join("\n\n");
        return { markdown: fitComment(head, parts), full: diffDocument(rollout ? [rollout, ...sections] : sections, baseName), failed };
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        cleanup();
    }
}
