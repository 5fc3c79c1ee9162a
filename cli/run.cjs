#!/usr/bin/env node
"use strict";
/**
 * The CLI's launcher: runs compiled JavaScript, not tsx (tsx hooks and source-maps every module the process loads,
 * the SDKs included: half of a plan's CPU). The TypeScript sources are bundled once with esbuild into a cache keyed
 * by their hash (node_modules/.cache/saif-platform/cli/<hash>/), so `npm ci --ignore-scripts` is all it needs.
 *
 * It also keeps out what a plan never runs. @pulumi/pulumi 3.270.0 loads its closure serializer eagerly
 * (runtime/index.js requires ./closure/serializeClosure and ./closure/codePaths, which pull in TypeScript and
 * @npmcli/arborist) and its Automation API (index.js requires ./automation); here each is loaded on first use
 * instead. The file names are pinned with the SDK version (test/speed.test.ts fails if they change).
 */
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const root = path.resolve(__dirname, "..");
const cache = path.join(root, "node_modules", ".cache", "saif-platform");

// Node's compile cache: V8 compiling ~1,000 modules is the largest start-up cost left once tsx is gone.
if (typeof Module.enableCompileCache === "function" && !process.env.SAIF_NO_COMPILE_CACHE) {
    try {
        Module.enableCompileCache(path.join(cache, "compile"));
    } catch {
        // A read-only cache: compile every time.
    }
}

/** A hash of every source the CLI is built from. */
function sourcesHash() {
    const hash = createHash("sha256");
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".ts")) hash.update(path.relative(root, full)).update("\0").update(fs.readFileSync(full)).update("\0");
        }
    };
    for (const dir of ["cli", "components", "lib", "stacks"]) walk(path.join(root, dir));
    for (const f of ["package.json", "tsconfig.json", "tsconfig.dev.json"]) hash.update(fs.readFileSync(path.join(root, f)));
    hash.update(process.version);
    return hash.digest("hex").slice(0, 20);
}

/** esbuild's options for the CLI's bundle. */
function bundleOptions() {
    return {
        entryPoints: [path.join(root, "cli", "main.ts")],
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        // The SDKs stay in node_modules (their own files, their own module identity); only our code is bundled.
        packages: "external",
        logLevel: "error",
    };
}

function build() {
    const out = path.join(cache, "cli", sourcesHash(), "main.js");
    if (fs.existsSync(out)) return out;
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    require("esbuild").buildSync({ ...bundleOptions(), outfile: tmp });
    fs.renameSync(tmp, out);
    return out;
}

/**
 * A read-only node_modules (a shared install): the same bundle, built in memory and run as if it sat in cli/, so its
 * external requires resolve from the project's node_modules. Nothing is written.
 */
function runInMemory() {
    const [file] = require("esbuild").buildSync({ ...bundleOptions(), write: false, outfile: path.join(root, "cli", "main.bundle.js") }).outputFiles;
    const m = new Module(file.path, module);
    m.filename = file.path;
    m.paths = Module._nodeModulePaths(path.dirname(file.path));
    m._compile(file.text, file.path);
}

/** SDK modules a plan never runs, replaced by stand-ins that load the real module on first use. */
function lazyInternals() {
    const sep = path.sep;
    const parentIs = (parent, tail) => !!parent && typeof parent.filename === "string" && parent.filename.endsWith(tail.split("/").join(sep));
    const load = Module._load;
    Module._load = function (request, parent, _isMain) {
        if (parentIs(parent, "/@pulumi/pulumi/runtime/index.js")) {
            if (request === "./closure/serializeClosure") {
                let real;
                const get = () => (real ??= load.call(Module, request, parent, false));
                return {
                    serializeFunction: (...a) => get().serializeFunction(...a),
                    serializeFunctionAsync: (...a) => get().serializeFunctionAsync(...a),
                };
            }
            if (request === "./closure/codePaths") {
                let real;
                const get = () => (real ??= load.call(Module, request, parent, false));
                return { computeCodePaths: (...a) => get().computeCodePaths(...a) };
            }
        }
        if (parentIs(parent, "/@pulumi/pulumi/index.js") && request === "./automation") {
            let real;
            const get = () => (real ??= load.call(Module, request, parent, false));
            return new Proxy({}, {
                get: (_, p) => (p === "__esModule" ? true : get()[p]),
                has: (_, p) => p in get(),
                ownKeys: () => Reflect.ownKeys(get()),
                getOwnPropertyDescriptor: (_, p) => {
                    const d = Reflect.getOwnPropertyDescriptor(get(), p);
                    return d ? { ...d, configurable: true } : undefined;
                },
            });
        }
        return load.apply(this, arguments);
    };
}

/** A stack file this large holds thousands of components (real ones are a few KB; 2,000 components are ~300 KB). */
const largeStackFileBytes = 256 * 1024;

/** The stack file of a one-stack command (`--config` or Pulumi.<stack>.yaml) and its size, if it exists. */
function stackFile(argv, cwd) {
    const option = (name) => {
        const i = argv.indexOf(`--${name}`);
        if (i >= 0) return argv[i + 1];
        return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    };
    const stack = option("stack");
    if (!stack) return undefined;
    const file = path.resolve(cwd, option("config") ?? `Pulumi.${stack}.yaml`);
    try {
        return { path: file, size: fs.statSync(file).size };
    } catch {
        return undefined; // the CLI names the missing file
    }
}

/**
 * Whether to keep V8's young generation from growing: for a `plan` of an ordinary stack (file under 256 KB) it cuts
 * peak memory ~105 -> ~95 MiB at the same or lower CPU (`npm run bench`); for thousands of components it promotes
 * more to old space and costs memory and time, so not then, nor when the command line sizes the young generation.
 * A V8 flag that takes effect at run time (--max-semi-space-size does not; measured).
 */
function smallYoungGeneration(argv, cwd = process.cwd(), nodeOptions = process.env.NODE_OPTIONS ?? "", execArgv = process.execArgv) {
    if (argv[0] !== "plan" || [...execArgv, nodeOptions].some((a) => a.includes("semi-space"))) return false;
    const file = stackFile(argv, cwd);
    return !!file && file.size < largeStackFileBytes;
}

/**
 * V8 flags for a `plan --stack` of thousands of components, else undefined. Left alone, V8 grows old space to ~2.5x
 * the live set while the SDK registers the resources (10,000 components: 1.9 GB peak for ~0.7 GB live); an old-space
 * cap sized from the component count (~90 KB each, 1.3x the live need, plus 256 MB) keeps the peak near 1 GB for
 * about the same wall time (`npm run bench` measures both). A cap from the count, never a fixed one: a fixed cap
 * turns a larger catalog into an out-of-memory crash. Real stack files are a few KB: they cost one stat.
 * SAIF_HEAP_CAP=0 or a --max-old-space-size of your own (NODE_OPTIONS) turns it off.
 */
function heapFlags(argv, cwd = process.cwd(), nodeOptions = process.env.NODE_OPTIONS ?? "", execArgv = process.execArgv) {
    if (argv[0] !== "plan" || process.env.SAIF_HEAP_CAP === "0" || [...execArgv, nodeOptions].some((a) => a.includes("--max-old-space-size"))) return undefined;
    const file = stackFile(argv, cwd);
    if (!file || file.size < largeStackFileBytes) return undefined;
    let extra = 0;
    try {
        const doc = require("js-yaml").load(fs.readFileSync(file.path, "utf8"));
        const value = doc?.config?.["saif-platform:extraComponents"];
        extra = value && typeof value === "object" ? Object.keys(value).length : 0;
    } catch {
        return undefined; // the CLI reports the bad file
    }
    const components = extra + 24; // the catalog's own components (components/catalog/data.ts)
    if (components < 2000) return undefined;
    return ["--max-semi-space-size=64", `--max-old-space-size=${Math.ceil(256 + 0.09 * components)}`];
}

if (require.main === module) {
    const flags = heapFlags(process.argv.slice(2));
    if (flags) {
        const r = require("node:child_process").spawnSync(process.execPath, [...flags, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: "inherit" });
        if (process.env.SAIF_REPORT_RESOURCES) {
            const u = process.resourceUsage();
            process.stderr.write(`saif-resources ${JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, launcher: true })}\n`);
        }
        process.exit(r.status ?? 1);
    }
    if (smallYoungGeneration(process.argv.slice(2))) require("node:v8").setFlagsFromString("--semi-space-growth-factor=1");
    lazyInternals();
    let compiled;
    try {
        compiled = build();
    } catch (e) {
        if (!["EACCES", "EROFS", "EPERM"].includes(e && e.code)) throw e;
        process.stderr.write(`note: ${cache} is not writable (${e.code}); building the CLI in memory on every run (slower)\n`);
    }
    if (compiled) require(compiled);
    else runInMemory();
} else {
    module.exports = { lazyInternals, build, runInMemory, heapFlags, smallYoungGeneration };
}
