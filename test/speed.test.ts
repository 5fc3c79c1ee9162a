import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { catalog } from "../components/catalog/data";
import { root } from "./helpers";

const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
const launcher = path.join(root, "cli", "run.cjs");

function run(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return r;
}

/** Every file under a folder, relative path -> contents. */
function files(dir: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (d: string) => {
        for (const f of readdirSync(d).sort()) {
            const full = path.join(d, f);
            if (statSync(full).isDirectory()) walk(full);
            else out.set(path.relative(dir, full), readFileSync(full, "utf8"));
        }
    };
    walk(dir);
    return out;
}

describe("the fast path changes no output", function () {
    this.timeout(180_000);
    let tmp: string;
    before(() => {
        tmp = mkdtempSync(path.join(tmpdir(), "speed-"));
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it("plans each stack through the compiled CLI exactly as through tsx from the same sources (preview.json, plan.json, manifests, rendered)", () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) {
            const config = path.join(root, "test/fixtures/stacks", `Pulumi.${stack}.yaml`);
            run([launcher, "plan", "--stack", stack, "--config", config, "--out", path.join(tmp, `fast-${stack}`)]);
            run([tsx, "cli/main.ts", "plan", "--stack", stack, "--config", config, "--out", path.join(tmp, `slow-${stack}`)]);
            const fast = files(path.join(tmp, `fast-${stack}`));
            const slow = files(path.join(tmp, `slow-${stack}`));
            assert.ok(fast.has("preview.json") && fast.has("plan.json") && [...fast.keys()].some((k) => k.startsWith("manifests/")));
            assert.deepEqual([...fast.keys()], [...slow.keys()], stack);
            for (const [k, v] of fast) assert.equal(v, slow.get(k), `${stack}: ${k}`);
        }
    });

    it("with a read-only node_modules (no cache to build into): the same plan, the CLI built in memory, nothing written there", () => {
        const config = path.join(root, "test/fixtures/stacks", "Pulumi.ai-pod-3.yaml");
        const out = path.join(tmp, "in-memory");
        // The launcher's fallback, called as run.cjs calls it when build() meets EACCES/EROFS/EPERM.
        const script = `process.argv = [process.argv[0], "main", ...${JSON.stringify(["plan", "--stack", "ai-pod-3", "--config", config, "--out", out])}];` +
            `const l = require(${JSON.stringify(launcher)}); l.lazyInternals(); l.runInMemory();`;
        run(["-e", script]);
        run([launcher, "plan", "--stack", "ai-pod-3", "--config", config, "--out", path.join(tmp, "on-disk")]);
        const memory = files(out);
        const disk = files(path.join(tmp, "on-disk"));
        assert.ok(memory.has("plan.json"));
        assert.deepEqual([...memory.keys()], [...disk.keys()]);
        for (const [k, v] of memory) assert.equal(v, disk.get(k), k);
        assert.ok(!existsSync(path.join(root, "cli", "main.bundle.js")), "the bundle's name is only where it resolves from");
    });

    it("plans several stacks in one process exactly as in separate processes", () => {
        run([launcher, "plan", "--stacks", "ai-pod-1,ai-pod-3", "--out", path.join(tmp, "many")]);
        for (const stack of ["ai-pod-1", "ai-pod-3"]) {
            run([launcher, "plan", "--stack", stack, "--out", path.join(tmp, `one-${stack}`)]);
            const many = files(path.join(tmp, "many", stack));
            const one = files(path.join(tmp, `one-${stack}`));
            assert.deepEqual([...many.keys()], [...one.keys()], stack);
            for (const [k, v] of many) assert.equal(v, one.get(k), `${stack}: ${k}`);
        }
    });

    it("loads none of what a plan never runs: the closure serializer (TypeScript, arborist), the Automation API, the optional SDKs", () => {
        const r = run([launcher, "plan", "--stack", "ai-pod-1", "--config", path.join(root, "test/fixtures/stacks/Pulumi.ai-pod-1.yaml")], { SAIF_REPORT_MODULES: "1" });
        const report = JSON.parse(/saif-modules (\{.*\})/.exec(r.stderr)![1]) as Record<string, number | boolean>;
        assert.deepEqual({ ...report, modules: 0 }, {
            modules: 0, typescript: 0, arborist: 0, automation: 0, closure: 0, github: 0, tls: 0, certManager: 0, helm: 0, kubernetesIndex: false,
        });
        assert.ok((report.modules as number) < 600, `${String(report.modules)} modules`);
        // The launcher stubs these SDK files by name: pinned with the SDK version they were read from.
        const sdk = JSON.parse(readFileSync(path.join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string };
        assert.equal(sdk.version, "3.270.0");
        for (const f of ["runtime/closure/serializeClosure.js", "runtime/closure/codePaths.js", "automation/index.js"]) {
            assert.ok(existsSync(path.join(root, "node_modules/@pulumi/pulumi", f)), f);
        }
        const runtimeIndex = readFileSync(path.join(root, "node_modules/@pulumi/pulumi/runtime/index.js"), "utf8");
        assert.match(runtimeIndex, /require\("\.\/closure\/serializeClosure"\)/);
        assert.match(runtimeIndex, /require\("\.\/closure\/codePaths"\)/);
        // What the stubs stand for still works on first use, and loads then.
        const probe = run(["-e", `require(${JSON.stringify(launcher)}).lazyInternals();
const pulumi = require("@pulumi/pulumi");
const before = Object.keys(require.cache).some((f) => f.includes("/@pulumi/pulumi/automation/"));
const ok = typeof pulumi.automation.LocalWorkspace === "function" && typeof pulumi.runtime.computeCodePaths === "function";
const after = Object.keys(require.cache).some((f) => f.includes("/@pulumi/pulumi/automation/"));
console.log(JSON.stringify({ before, ok, after }));`]);
        assert.deepEqual(JSON.parse(probe.stdout), { before: false, ok: true, after: true });
    });
});

describe("the launcher's heap flags for very large stacks", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { heapFlags, smallYoungGeneration } = require(launcher) as {
        heapFlags: (argv: string[], cwd?: string, nodeOptions?: string, execArgv?: string[]) => string[] | undefined;
        smallYoungGeneration: (argv: string[], cwd?: string, nodeOptions?: string, execArgv?: string[]) => boolean;
    };
    let tmp: string;
    before(() => {
        tmp = mkdtempSync(path.join(tmpdir(), "heap-"));
        const extra = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x${i}`, { tier: 1, path: `apps/x${i}`, estimateSeconds: 30, description: "a synthetic component with a long enough line" }]));
        writeFileSync(path.join(tmp, "big.yaml"), stringify({ config: { "saif-platform:extraComponents": extra } }));
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it("leaves the real stacks alone (one stat, no re-run) but keeps their young generation small", () => {
        for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) {
            assert.equal(heapFlags(["plan", "--stack", stack], root, "", []), undefined);
            assert.equal(smallYoungGeneration(["plan", "--stack", stack], root, "", []), true);
        }
        assert.equal(smallYoungGeneration(["plan", "--stack", "ai-pod-1"], root, "", ["--max-semi-space-size=64"]), false);
        assert.equal(smallYoungGeneration(["plan", "--stacks", "ai-pod-1,ai-pod-2"], root, "", []), false);
        assert.equal(smallYoungGeneration(["plan", "--stack", "synthetic", "--config", path.join(tmp, "big.yaml")], root, "", []), false);
    });

    it("caps old space from the component count, and not when the user set a cap or another command runs", () => {
        const argv = ["plan", "--stack", "synthetic", "--config", path.join(tmp, "big.yaml")];
        assert.deepEqual(heapFlags(argv, root, "", []), ["--max-semi-space-size=64", `--max-old-space-size=${Math.ceil(256 + 0.09 * (3000 + catalog.length))}`]);
        assert.deepEqual(heapFlags(["plan", "--stack=synthetic", `--config=${path.join(tmp, "big.yaml")}`], root, "", []), heapFlags(argv, root, "", []));
        assert.equal(heapFlags(argv, root, "--max-old-space-size=4096", []), undefined);
        assert.equal(heapFlags(argv, root, "", ["--max-old-space-size=900"]), undefined);
        assert.equal(heapFlags(["render", ...argv.slice(1)], root, "", []), undefined);
        assert.equal(heapFlags(["plan", "--stack", "synthetic", "--config", path.join(tmp, "missing.yaml")], root, "", []), undefined);
    });
});
