import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { root } from "./helpers";

/** test/mutationSurvivors.cjs: the --mutate ranges of a report's survivors, for a retest with coverage analysis off. */
describe("mutation tools (pure scripts)", () => {
    const mutant = (status: string, line: number, column: number, endColumn: number) =>
        ({ id: `${line}:${column}`, mutatorName: "StringLiteral", status, location: { start: { line, column }, end: { line, column: endColumn } } });
    const run = (report: unknown, ...files: string[]) => {
        const dir = mkdtempSync(path.join(tmpdir(), "mut-"));
        const file = path.join(dir, "report.json");
        writeFileSync(file, JSON.stringify(report));
        try {
            return spawnSync(process.execPath, [path.join(root, "test/mutationSurvivors.cjs"), file, ...files], { encoding: "utf8" });
        } finally {
            // Nothing is left in the system's temporary folder.
            rmSync(dir, { recursive: true, force: true });
        }
    };
    const report = { files: {
        "lib/a.ts": { mutants: [mutant("Killed", 3, 5, 9), mutant("Survived", 10, 7, 20), mutant("NoCoverage", 2, 1, 4), mutant("Survived", 10, 7, 20)] },
        "lib/b.ts": { mutants: [mutant("Survived", 1, 1, 2), mutant("CompileError", 4, 1, 2)] },
    } };

    it("selects each surviving or uncovered mutant once, its start column 0-based as --mutate reads it", () => {
        const all = run(report);
        assert.equal(all.status, 0);
        assert.equal(all.stdout, "lib/a.ts:10:6-10:20,lib/a.ts:2:0-2:4,lib/b.ts:1:0-1:2");
        assert.equal(run(report, "lib/b.ts").stdout, "lib/b.ts:1:0-1:2");
    });

    it("fails, saying so, when nothing is left to retest", () => {
        const none = run(report, "lib/c.ts");
        assert.equal(none.status, 1);
        assert.match(none.stderr, /no surviving or uncovered mutants in .* for lib\/c\.ts/);
    });
});
