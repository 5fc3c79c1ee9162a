import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { PolicyContext } from "./policies";

/** The stacks with a Pulumi.<stack>.yaml in `dir`, sorted (the CLI's stack list too: cli/stackFile.ts). */
export function stackNames(dir: string): string[] {
    return readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** The fleet's rings and stack files, read from the repository `dir` (the pack's parent folder). */
export function loadPolicyContext(dir: string, fleetFile?: string): PolicyContext {
    const stackFiles = stackNames(dir);
    const file = fleetFile ? path.resolve(dir, fleetFile) : path.join(dir, "fleet", "rings.yaml");
    const shown = fleetFile ?? "fleet/rings.yaml";
    let raw: unknown;
    try {
        raw = yaml.load(readFileSync(file, "utf8"));
    } catch (e) {
        return { rings: { error: `${shown}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (e as Error).message.split("\n")[0]}; the rings are read from it` }, stackFiles };
    }
    const rings = (raw as { rings?: unknown })?.rings;
    if (!Array.isArray(rings)) return { rings: { error: `${shown}: rings: is not a list of {name, stacks}` }, stackFiles };
    return {
        rings: rings.map((r: { name?: unknown; stacks?: unknown }, i) => ({
            name: typeof r?.name === "string" ? r.name : `rings[${i}]`,
            stacks: Array.isArray(r?.stacks) ? r.stacks.map(String) : [],
        })),
        stackFiles,
    };
}
