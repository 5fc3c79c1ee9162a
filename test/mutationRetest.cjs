#!/usr/bin/env node
// `npm run test:mutation [-- stryker options]`: drop the surviving and uncovered results of the files this run
// mutates from the incremental file, then run `stryker run` with the same options.
//
// Why: StrykerJS 10 reuses a surviving mutant when "no test was added that covers it"
// (@stryker-mutator/core dist/src/mutants/incremental-differ.js `mutantCanBeReused`), but a static mutant (one that
// runs while a module loads) has no per-test coverage on either side, so a new test that kills it is never seen
// and the old "Survived" is reported again. Killed, timed-out and non-compiling results are kept: a killed mutant
// is reused only while its killing test is unchanged. Files outside `--mutate` keep every result, so the table
// Stryker prints for them stays what was last measured.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);

/** The --mutate patterns of this run (a line range `file.ts:10-20` as its file), or undefined for every file of stryker.config.json. */
function mutatePatterns() {
    const i = args.findIndex((a) => a === "--mutate" || a === "-m" || a.startsWith("--mutate="));
    if (i < 0) return undefined;
    const value = args[i].startsWith("--mutate=") ? args[i].slice("--mutate=".length) : args[i + 1] ?? "";
    return value.split(",").map((p) => p.trim().replace(/:\d+(:\d+)?-\d+(:\d+)?$/, "")).filter(Boolean);
}

/** A glob of stryker's --mutate (`lib/**\/*.ts`, `lib/plan.ts`) as a regular expression over a relative path. */
function globToRegExp(glob) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\/?/g, "\0").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\0/g, "(?:.*/)?");
    return new RegExp(`^${body}$`);
}

const file = path.join(root, "reports", "stryker-incremental.json");
if (fs.existsSync(file)) {
    const patterns = mutatePatterns();
    const matchers = patterns?.map(globToRegExp);
    const report = JSON.parse(fs.readFileSync(file, "utf8"));
    let dropped = 0;
    for (const [name, f] of Object.entries(report.files ?? {})) {
        if (matchers && !matchers.some((m) => m.test(name))) continue;
        const keep = f.mutants.filter((m) => m.status !== "Survived" && m.status !== "NoCoverage");
        dropped += f.mutants.length - keep.length;
        f.mutants = keep;
    }
    fs.writeFileSync(file, JSON.stringify(report));
    console.log(`mutation: ${dropped} surviving or uncovered mutants will be tested again`);
}
const stryker = path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
const run = spawnSync(process.execPath, [stryker, "run", ...args], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
