import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { planCommand } from "../cli/plan";
import { renderCommand } from "../cli/render";
import { fixtureStack } from "./helpers";

/** `--out` writes only what it wrote before: its own folder again, never a folder of the user's (issue 23). */
describe("--out folders: the program's own, or new", function () {
    this.timeout(120000);
    const tmp = mkdtempSync(path.join(tmpdir(), "out-"));
    after(() => rmSync(tmp, { recursive: true, force: true }));
    const quiet = async <T>(f: () => T | Promise<T>): Promise<T> => {
        const log = console.log;
        console.log = () => undefined;
        try {
            return await f();
        } finally {
            console.log = log;
        }
    };

    it("render --out marks its folder, clears it on the next run, and keeps the marker", async () => {
        const out = path.join(tmp, "rendered");
        assert.equal(await quiet(() => renderCommand({ stack: "ai-pod-3", config: fixtureStack("ai-pod-3"), out })), 0);
        assert.ok(existsSync(path.join(out, ".saif-platform-output")));
        writeFileSync(path.join(out, "stale.yaml"), "x");
        assert.equal(await quiet(() => renderCommand({ stack: "ai-pod-3", config: fixtureStack("ai-pod-3"), out })), 0);
        assert.ok(!readdirSync(out).includes("stale.yaml"), "its own folder is cleared");
        assert.ok(readdirSync(out).includes("platform-idms"));
    });

    it("plan --out into an empty folder, then again into its own", async () => {
        const out = path.join(tmp, "plan");
        assert.equal(await quiet(() => planCommand({ stack: "ai-pod-3", config: fixtureStack("ai-pod-3"), out })), 0);
        assert.equal(await quiet(() => planCommand({ stack: "ai-pod-3", config: fixtureStack("ai-pod-3"), out })), 0);
        assert.ok(readdirSync(out).includes(".saif-platform-output") && readdirSync(out).includes("preview.json"));
    });
});
