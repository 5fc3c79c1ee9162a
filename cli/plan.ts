import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { planCluster, renderPlan } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { isFleet, parseClusterConfig } from "../stacks/parse";
import { Recording, runProgram } from "./mockrun";
import { manifests, previewJson } from "./preview";
import { loadStack, StackInput } from "./stackFile";

export interface PlanFlags {
    stack?: string;
    config?: string;
    values?: string;
    out?: string;
    svg?: boolean;
}

export interface PlanResult {
    readonly text: string;
    readonly recording: Recording;
    readonly input: StackInput;
}

/** Validate, render the table, and run the real program under mocks. Throws ConfigProblems on bad input. */
export async function buildPlan(dir: string, stack: string, configFile?: string, valuesFile?: string): Promise<PlanResult> {
    const input = loadStack(dir, stack, configFile, valuesFile);
    const text = isFleet(input) ? `Fleet stack ${stack}: the fleet's Sealed Secrets key generations (no cluster)` : renderPlan(planCluster(parseClusterConfig(input)));
    const recording = await runProgram(input);
    if (recording.error) throw new ConfigProblems(recording.error.split("\n"));
    return { text, recording, input };
}

/** Write preview.json and manifests/ into `out`. */
export function writePlan(out: string, rec: Recording): { manifests: number } {
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "preview.json"), `${JSON.stringify(previewJson(rec), null, 2)}\n`);
    const dir = path.join(out, "manifests");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const files = manifests(rec);
    for (const m of files) writeFileSync(path.join(dir, m.file), m.yaml);
    return { manifests: files.length };
}

export async function planCommand(flags: PlanFlags): Promise<number> {
    if (!flags.stack) throw new ConfigProblems(["--stack: is required; e.g. npm run plan -- --stack ai-pod-1"]);
    const started = process.hrtime.bigint();
    const { text, recording } = await buildPlan(process.cwd(), flags.stack, flags.config, flags.values);
    const apps = recording.registrations.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Application").length;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(text);
    console.log(`\nRan the program under Pulumi mocks: ${recording.registrations.length} resources registered (${apps} Argo CD Applications) in ${ms.toFixed(0)} ms`);
    if (flags.out) {
        const written = writePlan(flags.out, recording);
        console.log(`Wrote ${path.join(flags.out, "preview.json")} and ${written.manifests} manifests in ${path.join(flags.out, "manifests")}`);
    }
    return 0;
}
