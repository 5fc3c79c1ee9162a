import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
    applicationFindings, DriftInputError, Finding, managedApplications, parseApplications, parseExitCode, parseRefresh, refreshFindings, renderDriftReport,
    StackResult,
} from "../lib/drift";
import { isCommit } from "../lib/gates";
import { ConfigProblems } from "../lib/problems";
import { loadPolicyContext } from "../policy/context";

/** The files the drift workflow collects for each stack (docs/drift.md). */
export const collected = { refresh: "refresh.json", exit: "refresh.exit", applications: "applications.json" } as const;

function read(file: string, problems: string[]): string | undefined {
    if (!existsSync(file)) {
        problems.push(`${file}: missing; the drift workflow writes it for every stack (docs/drift.md)`);
        return undefined;
    }
    return readFileSync(file, "utf8");
}

/** Read one stack's collected outputs and what they say; bad input becomes one line in `problems`. */
function readStack(dir: string, stack: string, release: string | undefined, problems: string[]): StackResult | undefined {
    const at = path.join(dir, stack);
    if (!existsSync(at) || !statSync(at).isDirectory()) {
        problems.push(`${at}: missing; no outputs were collected for stack ${stack} (its job may not have run)`);
        return undefined;
    }
    const before = problems.length;
    const refreshText = read(path.join(at, collected.refresh), problems);
    const exitText = read(path.join(at, collected.exit), problems);
    const appsText = read(path.join(at, collected.applications), problems);
    const attempt = <T>(f: () => T): T | undefined => {
        try {
            return f();
        } catch (e) {
            if (!(e instanceof DriftInputError)) throw e;
            problems.push(e.message);
            return undefined;
        }
    };
    const digest = refreshText === undefined ? undefined : attempt(() => parseRefresh(path.join(at, collected.refresh), refreshText));
    const exit = exitText === undefined ? undefined : attempt(() => parseExitCode(path.join(at, collected.exit), exitText));
    const apps = appsText === undefined ? undefined : attempt(() => parseApplications(path.join(at, collected.applications), appsText));
    if (problems.length > before || !digest || exit === undefined || !apps) return undefined;
    const findings: Finding[] = [...refreshFindings(stack, digest, exit), ...applicationFindings(stack, apps, managedApplications(digest), release)];
    return { stack, refreshExit: exit, findings };
}

export function driftReport(dir: string, repo: string, fleetFile: string | undefined, revision: string | undefined): { markdown: string; exitCode: number; problems: string[] } {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigProblems([`${dir}: no such folder; give the folder the drift workflow collected (one folder per stack)`]);
    const problems: string[] = [];
    let release = revision;
    const releaseFile = path.join(dir, "release");
    if (release === undefined && existsSync(releaseFile)) release = readFileSync(releaseFile, "utf8").trim();
    if (release !== undefined && !isCommit(release)) throw new ConfigProblems([`--revision: ${JSON.stringify(release)} is not a 40-hex commit; give the commit the fleet should run (git rev-parse HEAD)`]);
    const context = loadPolicyContext(repo, fleetFile);
    if ("error" in context.rings) throw new ConfigProblems([context.rings.error]);
    const expected = [...new Set(context.rings.flatMap((r) => r.stacks))].sort();
    // A folder of outputs for a stack outside the rings is read too (a stack being added).
    const present = readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory() && existsSync(path.join(dir, d, collected.refresh)));
    const results: StackResult[] = [];
    for (const stack of [...new Set([...expected, ...present])].sort()) {
        const result = readStack(dir, stack, release, problems);
        if (result) results.push(result);
    }
    return { ...renderDriftReport(results, problems, release), problems };
}

export function driftCommand(dir: string | undefined, values: { fleet?: string; revision?: string; out?: string }): number {
    if (!dir) throw new ConfigProblems(["drift:report: give the folder of collected outputs: npm run drift:report -- <dir> [--revision <sha>] [--out <file>]"]);
    const report = driftReport(path.resolve(dir), process.cwd(), values.fleet, values.revision);
    if (values.out) {
        writeFileSync(values.out, report.markdown);
        console.log(`Wrote ${values.out}`);
    } else {
        process.stdout.write(report.markdown);
    }
    // Bad input, one line each, also where a script sees it (the report lists them under "Not read").
    for (const p of report.problems) console.error(p);
    return report.exitCode;
}
