#!/usr/bin/env node
// `node test/mutationSurvivors.cjs <report.json> [file.ts ...]`: print the `--mutate` value that selects exactly the
// surviving and uncovered mutants of a Stryker report (a JSON report or the incremental file), for a retest with
// coverage analysis off (test/MUTATION.md, "lower bounds"):
//
//   npx stryker run --force --coverageAnalysis off --incrementalFile /tmp/retest.json \
//     --reporters clear-text,progress,json --mutate "$(node test/mutationSurvivors.cjs reports/stryker-incremental.json stacks/parse.ts)"
//
// A report's columns are 1-based; a `--mutate` range's lines are 1-based and its columns 0-based, as Babel's
// (@stryker-mutator/core 10.0.0 dist/src/fs/project-reader.js `filterMutatePattern`). The instrumenter keeps every
// mutant whose location lies inside a range (@stryker-mutator/instrumenter dist/src/util/syntax-helpers.js
// `locationIncluded`), so a retest can hold a few more mutants than the survivors: those nested inside them.
"use strict";
const fs = require("node:fs");

const [reportFile, ...files] = process.argv.slice(2);
if (!reportFile) {
    console.error("usage: node test/mutationSurvivors.cjs <report.json> [file.ts ...]");
    process.exit(2);
}
const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
const ranges = new Set();
for (const [name, f] of Object.entries(report.files ?? {})) {
    if (files.length > 0 && !files.includes(name)) continue;
    for (const m of f.mutants) {
        if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
        const { start, end } = m.location;
        ranges.add(`${name}:${start.line}:${start.column - 1}-${end.line}:${end.column}`);
    }
}
if (ranges.size === 0) {
    console.error(`no surviving or uncovered mutants in ${reportFile}${files.length ? ` for ${files.join(", ")}` : ""}`);
    process.exit(1);
}
process.stdout.write([...ranges].sort().join(","));
