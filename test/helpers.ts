import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { seedEdgeChanges } from "../components/catalog";
import { ConfigProblems } from "../lib/problems";
import { RawConfig } from "../stacks/parse";
import { project, qualified } from "../stacks/types";

export const root = path.resolve(__dirname, "..");

/**
 * Whole-stack tests run on these fixture stack files, not on the repository's `Pulumi.<stack>.yaml`: users edit
 * those (turn a component off, add a cluster), and such an edit must never turn `npm test` red.
 */
export const fixtureStack = (stack: string) => path.join(root, "test/fixtures/stacks", `Pulumi.${stack}.yaml`);

export interface SeedRow {
    wave: number;
    tier: number;
    name: string;
    dependsOn: string[];
}

/** The seed's wave table, as given (test/fixtures is a copy of seed/wave-table.tsv). */
export function seedTable(): SeedRow[] {
    const lines = readFileSync(path.join(root, "test/fixtures/seed-wave-table.tsv"), "utf8").trim().split("\n").slice(1);
    return lines.map((l) => {
        const [wave, tier, name, , deps] = l.split("\t");
        return {
            wave: Number(wave),
            tier: Number(tier),
            name,
            // "(Cilium CNI, deployed at Day 1)" is a precondition, not a component.
            dependsOn: (deps ?? "").startsWith("(") ? [] : (deps ?? "").split(",").filter(Boolean),
        };
    });
}

/** A fixture stack file's config as RawConfig (no secrets), optionally edited. */
export function stackRaw(stack: string, edit: Record<string, unknown> = {}): RawConfig {
    const doc = parseYaml(readFileSync(fixtureStack(stack), "utf8")) as { config: Record<string, unknown> };
    const values: Record<string, unknown> = { ...doc.config };
    for (const [k, v] of Object.entries(edit)) {
        const key = qualified(k);
        if (v === undefined) delete values[key];
        else values[key] = v;
    }
    return { values, secretKeys: new Set() };
}

/** The one-line problems a run throws (ConfigProblems), or none. */
export function problemLines(run: () => unknown): string[] {
    try {
        run();
    } catch (e) {
        if (e instanceof ConfigProblems) return [...e.lines];
        throw e;
    }
    return [];
}

/** A minimal valid config. */
export function minimalRaw(edit: Record<string, unknown> = {}, secretKeys: string[] = []): RawConfig {
    const values: Record<string, unknown> = {
        [`${project}:cluster`]: "lab",
        [`${project}:gpu`]: true,
        [`${project}:kubernetes`]: { context: "lab" },
        [`${project}:gitops`]: { repoUrl: "https://github.com/example/gitops.git" },
        [`${project}:sealedSecrets`]: { keySource: "stack" },
        [`${project}:serving`]: { gpuProduct: "h100" },
        [`${project}:splunk`]: { endpoint: "https://hec.splunk.lab.internal:8088/services/collector" },
    };
    for (const [k, v] of Object.entries(edit)) {
        const key = `${project}:${k}`;
        if (v === undefined) delete values[key];
        else values[key] = v;
    }
    return { values, secretKeys: new Set(secretKeys.map((k) => `${project}:${k}`)) };
}

/** A seed row's dependencies as the catalog means them: the seed's, with the listed edge changes applied. */
export function expectedDependencies(row: SeedRow): string[] {
    const change = seedEdgeChanges.find((c) => c.component === row.name);
    return [...row.dependsOn.filter((d) => !change?.removed.includes(d)), ...(change?.added ?? [])].sort();
}

/**
 * Skip a test whose prerequisite is missing, saying why; in CI (CI=true, where .ci/run installed everything) a missing
 * prerequisite fails instead, so a green CI run never hides a test that did not run.
 */
export function requireOrSkip(ctx: Mocha.Context, ok: boolean, reason: string): void {
    if (ok) return;
    if (process.env.CI === "true") throw new Error(`prerequisite missing in CI: ${reason}`);
    console.log(`      (skipped: ${reason})`);
    ctx.skip();
}

/** The upstream chart sources CI renders with: ../shared/refs/charts, beside the clone (.ci/run's layout). */
export const refCharts = path.resolve(root, "../shared/refs/charts");

/** A test that renders the real charts: it runs in CI (which has them beside the clone) and is skipped, saying why, elsewhere. */
export function requireRefCharts(ctx: Mocha.Context): void {
    requireOrSkip(ctx, existsSync(refCharts), `${refCharts} (the upstream chart sources) is not beside this clone`);
}
