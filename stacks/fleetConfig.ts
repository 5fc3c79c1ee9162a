import { z } from "zod";
import { ConfigProblems } from "../lib/problems";
import { decode, type RawConfig } from "./parse";
import { formatIssues } from "./schema";

export const fleetProject = "saif-fleet";

/** The fleet stack's config: only the key generations to keep. */
export interface FleetConfig {
    readonly rotation: readonly string[];
}

const rotation = z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "dns")).min(1);

/** Validate the fleet project's config (`saif-fleet:rotation`), one line per problem. */
export function parseFleetConfig(raw: RawConfig): FleetConfig {
    const problems: string[] = [];
    let generations: readonly string[] = ["fleet-key"];
    for (const [k, v] of Object.entries(raw.values)) {
        if (!k.startsWith(`${fleetProject}:`)) continue;
        if (k !== `${fleetProject}:rotation`) {
            problems.push(`${k}: unknown config key; the fleet stack takes only ${fleetProject}:rotation`);
            continue;
        }
        const result = rotation.safeParse(decode(v, rotation), { reportInput: true });
        if (result.success) generations = result.data;
        else problems.push(...formatIssues(k, rotation, result.error.issues));
    }
    if (new Set(generations).size !== generations.length) {
        problems.push(`${fleetProject}:rotation: ${JSON.stringify(generations)} names a generation twice; each generation is one key`);
    }
    if (problems.length > 0) throw new ConfigProblems(problems);
    return Object.freeze({ rotation: Object.freeze([...generations]) });
}
