import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderMermaid } from "../lib/mermaid";
import { ClusterPlan, planCluster, planSummary, renderPlan } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { project } from "../stacks/types";
import { parseClusterConfig } from "../stacks/parse";
import { secretsNotDelivered } from "../stacks/program";
import { Recording, runProgram } from "./mockrun";
import { policyStage } from "./policy";
import { manifests, previewJson } from "./preview";
import { contentProblems, kustomizeAvailable, renderedTexts, renderNotes, renderStack, writeRendered } from "./render";
import type { RenderedComponent } from "../lib/content";
import { checkOutDir, markOutDir } from "./files";
import { loadStack, StackInput, stackNames } from "./stackFile";

/** What a plan under mocks cannot tell, said once per plan: these are the provider's decisions against a cluster. */
export const mocksCannotShow = "Not shown offline (the provider decides them against the cluster on pulumi preview/up): whether an object " +
    "already exists (a create then fails with AlreadyExists), replacements, and import-then-update.";

export interface PlanFlags {
    stack?: string;
    stacks?: string;
    "all-stacks"?: boolean;
    /** With several stacks: write snapshot.json per stack (what plan:diff reads) instead of the file tree. */
    snapshot?: boolean;
    config?: string;
    values?: string;
    out?: string;
    svg?: boolean;
}

export interface PlanResult {
    readonly text: string;
    readonly plan: ClusterPlan;
    readonly recording: Recording;
    readonly input: StackInput;
    /** The components rendered from this repository (undefined without kubectl on this machine). */
    readonly rendered?: readonly RenderedComponent[];
}

/** Validate, plan, and run the real program under mocks. Throws ConfigProblems on bad input. */
export async function buildPlan(dir: string, stack: string, configFile?: string, valuesFile?: string): Promise<PlanResult> {
    const input = loadStack(dir, stack, configFile, valuesFile);
    const config = parseClusterConfig(input);
    const plan = planCluster(config);
    if (config.secretDelivery.commitSealed && !offlineCertificate(input)) {
        throw new ConfigProblems([`${project}:secretDelivery.commitSealed: the offline plan seals with the fleet key; give a real key pair in --values ` +
            `(${project}:sealingKey and ${project}:sealingCert), or plan without commitSealed`]);
    }
    // The content of apps/ as Argo CD would render it, validated, and its needs checked against the graph.
    const rendered = kustomizeAvailable() ? renderStack(dir, config) : undefined;
    if (rendered) {
        const problems = contentProblems(dir, config, rendered);
        if (problems.length > 0) throw new ConfigProblems(problems);
    }
    const recording = await runProgram(input);
    if (recording.error) throw new ConfigProblems(recording.error.split("\n"));
    // The policy pack's validators on what the program registered (policy/; the same pack runs under pulumi preview).
    const policies = policyStage(dir, recording);
    const notes = rendered ? renderNotes(rendered) : [];
    const note = rendered ? (notes.length > 0 ? `\n${notes.join("\n")}` : "") : "\n(content of apps/ not rendered or checked: no kubectl on this machine)";
    // What `pulumi up` refuses before registering anything (the plan, a preview, goes on).
    const refused = secretsNotDelivered(config, dir);
    const refusal = refused.length > 0 ? `\n\npulumi up will refuse (${refused.length} line${refused.length > 1 ? "s" : ""}):\n${refused.map((l) => `  ${l}`).join("\n")}` : "";
    return { text: `${renderPlan(plan)}${note}\n${policies}${refusal}`, plan, recording, input, ...(rendered ? { rendered } : {}) };
}

/**
 * Several stacks in turn, in one process: the SDK's settings are reset by each setMocks (checked by
 * test/speed.test.ts: two stacks in one process give exactly the files of two runs). Each stack's files go to
 * <out>/<stack>/; a stack whose plan fails gets <out>/<stack>/error.txt and the others still run.
 */
async function planMany(flags: PlanFlags): Promise<number> {
    if (flags.config || flags.values) throw new ConfigProblems(["--config: and --values take one stack; use --stack with them"]);
    const dir = process.cwd();
    const stacks = flags["all-stacks"] ? stackNames(dir) : (flags.stacks ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (stacks.length === 0) throw new ConfigProblems([`--stacks: no stack named; stacks here: ${stackNames(dir).join(", ")}`]);
    const unknown = stacks.filter((s) => !stackNames(dir).includes(s));
    if (unknown.length > 0) throw new ConfigProblems([`--stacks: no ${unknown.map((s) => `Pulumi.${s}.yaml`).join(", ")}; stacks here: ${stackNames(dir).join(", ")}`]);
    if (flags.out) {
        checkOutDir("--out", flags.out);
        markOutDir(flags.out);
    }
    let failed = 0;
    for (const [i, stack] of stacks.entries()) {
        if (stacks.length > 1) process.stderr.write(`plan ${i + 1}/${stacks.length} ${stack}\n`);
        const out = flags.out ? path.join(flags.out, stack) : undefined;
        try {
            const result = await buildPlan(dir, stack);
            if (out && flags.snapshot) writeSnapshot(out, result);
            else if (out) writePlan(out, result);
            else console.log(`${result.text}\n`);
        } catch (e) {
            if (!(e instanceof ConfigProblems)) throw e;
            failed++;
            if (out) {
                mkdirSync(out, { recursive: true });
                writeFileSync(path.join(out, "error.txt"), `${e.lines.join("\n")}\n`);
            }
            console.error(`${stack}:\n${e.lines.join("\n")}`);
        }
    }
    if (flags.out) console.log(`Wrote ${stacks.length - failed} plans in ${flags.out}/<stack>/${failed > 0 ? `; ${failed} failed (error.txt)` : ""}`);
    return failed > 0 ? 1 : 0;
}

/** Whether the offline run has a real certificate to seal with (not a stand-in). */
function offlineCertificate(input: StackInput): boolean {
    const cert = input.values[`${project}:sealingCert`];
    return typeof cert === "string" && !input.standIns.has(`${project}:sealingCert`) && cert.includes("BEGIN CERTIFICATE");
}

/** Write preview.json, plan.json, graph.mmd and manifests/ into `out`. */
export function writePlan(out: string, result: PlanResult): { manifests: number } {
    markOutDir(out);
    writeFileSync(path.join(out, "preview.json"), `${JSON.stringify(previewJson(result.recording), null, 2)}\n`);
    writeFileSync(path.join(out, "plan.json"), `${JSON.stringify(planSummary(result.plan), null, 2)}\n`);
    writeFileSync(path.join(out, "graph.mmd"), renderMermaid(result.plan));
    const dir = path.join(out, "manifests");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const files = manifests(result.recording);
    const renderedDir = path.join(out, "rendered");
    rmSync(renderedDir, { recursive: true, force: true });
    if (result.rendered) writeRendered(renderedDir, result.rendered);
    for (const m of files) writeFileSync(path.join(dir, m.file), m.yaml);
    return { manifests: files.length };
}

/**
 * What plan:diff reads, in one file (snapshot.json) instead of a hundred: the summary, every manifest and rendered
 * object as text by key, the graph. Thousands of small files are most of a fleet diff's time otherwise.
 */
export function writeSnapshot(out: string, result: PlanResult): void {
    mkdirSync(out, { recursive: true });
    const rendered: Record<string, [string, string][]> = Object.fromEntries((result.rendered ?? []).map((rc) => [rc.name, []]));
    for (const f of renderedTexts(result.rendered ?? [])) (rendered[f.component] ??= []).push([f.key, f.text]);
    writeFileSync(path.join(out, "snapshot.json"), JSON.stringify({
        summary: planSummary(result.plan),
        manifests: manifests(result.recording).map((m) => [m.key, m.yaml]),
        rendered,
        graph: renderMermaid(result.plan),
    }));
}

/** Debian's Chromium, or the one named by PUPPETEER_EXECUTABLE_PATH. */
export function findChromium(candidates = [process.env.PUPPETEER_EXECUTABLE_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]): string | undefined {
    return candidates.find((p) => p && existsSync(p));
}

/** Render graph.mmd to graph.svg with Mermaid's CLI, offline. Returns why not, if it could not. */
export async function renderSvg(out: string, candidates?: (string | undefined)[]): Promise<string | undefined> {
    const chromium = findChromium(candidates);
    if (!chromium) return "graph.svg not written: no Chromium found (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH); graph.mmd is written";
    let cli: { run(input: string, output: string, opts: Record<string, unknown>): Promise<void> };
    try {
        // An optional dependency (it needs Node 22 and a browser): resolved at run time, not by the type checker.
        const optional: string = "@mermaid-js/mermaid-cli";
        cli = (await import(optional)) as typeof cli;
    } catch {
        return "graph.svg not written: @mermaid-js/mermaid-cli is not installed (npm install); graph.mmd is written";
    }
    await cli.run(path.join(out, "graph.mmd"), path.join(out, "graph.svg"), {
        quiet: true,
        puppeteerConfig: {
            executablePath: chromium,
            args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
    });
    return undefined;
}

export async function planCommand(flags: PlanFlags): Promise<number> {
    const chosen = [flags.stack, flags.stacks, flags["all-stacks"]].filter((x) => x !== undefined && x !== false).length;
    if (chosen > 1) throw new ConfigProblems(["--stack: give one of --stack, --stacks and --all-stacks"]);
    if (flags.stacks !== undefined || flags["all-stacks"]) return planMany(flags);
    if (!flags.stack) throw new ConfigProblems(["--stack: is required; e.g. npm run plan -- --stack ai-pod-1"]);
    if (flags.out) checkOutDir("--out", flags.out);
    if (flags.svg && !flags.out) throw new ConfigProblems(["--svg: needs --out <dir> to write graph.svg into"]);
    const started = process.hrtime.bigint();
    const result = await buildPlan(process.cwd(), flags.stack, flags.config, flags.values);
    const { recording } = result;
    const apps = recording.registrations.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Application").length;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(result.text);
    console.log(`\nRan the program under Pulumi mocks: ${recording.registrations.length} resources registered (${apps} Argo CD Applications) in ${ms.toFixed(0)} ms`);
    console.log(mocksCannotShow);
    if (flags.out) {
        const written = writePlan(flags.out, result);
        console.log(`Wrote ${path.join(flags.out, "preview.json")}, plan.json, graph.mmd, ${written.manifests} manifests in ${path.join(flags.out, "manifests")}` +
            (result.rendered ? ` and the rendered content in ${path.join(flags.out, "rendered")}` : ""));
        if (flags.svg) {
            const why = await renderSvg(flags.out);
            console.log(why ?? `Wrote ${path.join(flags.out, "graph.svg")}`);
        }
    } else if (flags.svg) {
        throw new ConfigProblems(["--svg: needs --out <dir> to write graph.svg into"]);
    }
    return 0;
}
