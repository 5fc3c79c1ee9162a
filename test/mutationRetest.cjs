#!/usr/bin/env node
// Before `stryker run --incremental`: drop every surviving or uncovered result from the incremental file, so those
// mutants are always tested again (killed, timed-out and non-compiling ones are kept).
//
// Why: StrykerJS 10 reuses a surviving mutant when "no test was added that covers it"
// (@stryker-mutator/core dist/src/mutants/incremental-differ.js `mutantCanBeReused`), but a static mutant (one that
// runs while a module loads) has no per-test coverage on either side, so a new test that kills it is never seen
// and the old "Survived" is reported again. A killed mutant is reused only while its killing test is unchanged,
// which stays sound.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const file = path.resolve(__dirname, "..", "reports", "stryker-incremental.json");
if (!fs.existsSync(file)) process.exit(0);
const report = JSON.parse(fs.readFileSync(file, "utf8"));
let dropped = 0;
for (const f of Object.values(report.files ?? {})) {
    const keep = f.mutants.filter((m) => m.status !== "Survived" && m.status !== "NoCoverage");
    dropped += f.mutants.length - keep.length;
    f.mutants = keep;
}
fs.writeFileSync(file, JSON.stringify(report));
console.log(`mutation: ${dropped} surviving or uncovered mutants will be tested again`);
