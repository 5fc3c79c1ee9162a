import { ConfigProblems } from "../lib/problems";
import { decode, RawConfig } from "./parse";
import { formatIssues, objectKeys } from "./schema";
import { full, project } from "./types";

/** The fleet stack's config: only the key generations to keep. */
export interface FleetConfig {
    readonly rotation: readonly string[];
}

export function parseFleetConfig(raw: RawConfig): FleetConfig {
    const problems: string[] = [];
    let rotation: readonly string[] = ["fleet-key"];
    for (const [k, v] of Object.entries(raw.values)) {
        if (!k.startsWith(`${project}:`)) continue;
        const key = k.slice(project.length + 1);
        if (key === "fleet") continue;
        if (key !== "sealedSecrets") {
            problems.push(`${k}: not used by the fleet stack (fleet: true); remove it from this stack's config`);
            continue;
        }
        const schema = objectKeys.sealedSecrets;
        const result = schema.safeParse(decode(v, schema), { reportInput: true });
        if (!result.success) problems.push(...formatIssues(k, schema, result.error.issues));
        else rotation = result.data.rotation ?? rotation;
    }
    if (problems.length > 0) throw new ConfigProblems(problems);
    return Object.freeze({ rotation: Object.freeze([...rotation]) });
}

/** Whether the stack's config makes it the fleet stack. */
export function isFleet(raw: RawConfig): boolean {
    const v = raw.values[full("fleet")];
    return v === true || v === "true";
}
