import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import {
    declaredWaveInversions, derivedWaves, findCycle, gatedSchedule, GraphNode, topologicalOrder, unknownDependencies, waveSchedule,
} from "../lib/graph";
import { formatDuration, planCluster } from "../lib/plan";
import { parseClusterConfig } from "../stacks/parse";
import { loadStack, stackNames } from "./stackFile";

interface Run {
    readonly wallMs: number;
    readonly maxRssMb: number;
    readonly ok: boolean;
}

/** Run `plan` in a fresh process, as a user would, and read its wall time and peak RSS. */
function timePlan(dir: string, args: string[]): Run {
    const tsx = path.join(dir, "node_modules", "tsx", "dist", "cli.mjs");
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [tsx, "cli/main.ts", "plan", ...args], {
        cwd: dir, encoding: "utf8", env: { ...process.env, SAIF_REPORT_RESOURCES: "1" }, maxBuffer: 256 * 1024 * 1024,
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const line = /saif-resources (\{.*\})/.exec(r.stderr)?.[1];
    const usage = line ? (JSON.parse(line) as { maxRssKb: number }) : { maxRssKb: 0 };
    if (r.status !== 0) process.stderr.write(r.stderr);
    return { wallMs, maxRssMb: usage.maxRssKb / 1024, ok: r.status === 0 };
}

/** A synthetic cluster: the catalog plus `extra` components of our own, each depending on up to three earlier ones. */
export function syntheticStack(extra: number, seed = 42): Record<string, unknown> {
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const names = Array.from({ length: extra }, (_, i) => `x${String(i).padStart(5, "0")}`);
    const extraComponents: Record<string, unknown> = {};
    names.forEach((name, i) => {
        const deps = new Set<string>();
        for (let k = 0; k < 3 && i > 0; k++) if (random() < 0.7) deps.add(names[Math.floor(random() * i)]);
        extraComponents[name] = {
            tier: 1 + Math.floor((4 * i) / extra),
            path: `apps/${name}`,
            namespace: "synthetic",
            dependsOn: [...deps],
            estimateSeconds: 10 + Math.floor(random() * 300),
        };
    });
    return {
        config: {
            "saif-platform:cluster": "synthetic",
            "saif-platform:gpu": true,
            "saif-platform:kubernetes": { context: "synthetic" },
            "saif-platform:gitops": { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git" },
            "saif-platform:sealedSecrets": { keySource: "stack" },
            "saif-platform:extraComponents": extraComponents,
        },
    };
}

function syntheticNodes(n: number): GraphNode[] {
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    return Array.from({ length: n }, (_, i) => ({
        name: `n${i}`,
        dependsOn: i === 0 ? [] : [...new Set(Array.from({ length: 3 }, () => `n${Math.floor(random() * i)}`))],
        estimateSeconds: 10 + Math.floor(random() * 300),
        declaredWave: Math.floor(i / 10),
    }));
}

/** Every check `plan` makes on the graph, alone. */
function graphChecks(nodes: readonly GraphNode[]): number {
    const started = process.hrtime.bigint();
    unknownDependencies(nodes);
    findCycle(nodes);
    declaredWaveInversions(nodes);
    const waves = derivedWaves(nodes);
    const order = topologicalOrder(nodes, waves);
    gatedSchedule(nodes, order);
    waveSchedule(nodes, (x) => waves.get(x.name)!);
    return Number(process.hrtime.bigint() - started) / 1e6;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(8);

export function benchCommand(): number {
    const dir = process.cwd();
    console.log(`Benchmark on ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    console.log("Each plan runs in a fresh process, as `npm run plan` does: config, graph, the program under Pulumi mocks.\n");
    let failed = false;

    console.log("plan per stack                     wall ms  peak RSS MB  target: < 3000 ms, < 400 MB");
    for (const stack of stackNames(dir)) {
        const runs = [0, 1, 2].map(() => timePlan(dir, ["--stack", stack]));
        const best = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
        const miss = best.wallMs >= 3000 || best.maxRssMb >= 400;
        failed ||= miss || !best.ok;
        console.log(`  ${stack.padEnd(30)} ${fmt(best.wallMs)}  ${fmt(best.maxRssMb, 1)}    ${best.ok ? (miss ? "MISSED" : "ok") : "FAILED"} (best of 3)`);
    }

    const tmp = mkdtempSync(path.join(tmpdir(), "bench-"));
    try {
        console.log("\nplan of synthetic catalogs          wall ms  peak RSS MB  ms per component");
        for (const total of [100, 1_000, 10_000]) {
            const file = path.join(tmp, `Pulumi.synthetic-${total}.yaml`);
            writeFileSync(file, stringify(syntheticStack(total - 23)));
            const r = timePlan(dir, ["--stack", "synthetic", "--config", file]);
            failed ||= !r.ok;
            console.log(`  ${`${total} components`.padEnd(30)} ${fmt(r.wallMs)}  ${fmt(r.maxRssMb, 1)}  ${fmt(r.wallMs / total, 2)}`);
        }
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }

    console.log("\ngraph checks alone (in process)     ms      ms per 1,000   target: 10,000 under 1000 ms");
    for (const n of [100, 1_000, 10_000]) {
        const nodes = syntheticNodes(n);
        graphChecks(nodes);
        const ms = Math.min(...[0, 1, 2, 3, 4].map(() => graphChecks(nodes)));
        if (n === 10_000 && ms >= 1000) failed = true;
        console.log(`  ${`${n} components`.padEnd(30)} ${fmt(ms, 1)}  ${fmt((ms / n) * 1000, 2)}`);
    }

    console.log("\nestimated time to ready (catalog estimates, not measurements)");
    console.log("  stack        dependsOn gates   sync waves   waves / gates");
    for (const stack of stackNames(dir)) {
        const input = loadStack(dir, stack);
        const plan = planCluster(parseClusterConfig(input));
        console.log(`  ${stack.padEnd(12)} ${formatDuration(plan.gated.totalSeconds).padStart(15)}  ${formatDuration(plan.waves.totalSeconds).padStart(11)}   x${(plan.waves.totalSeconds / plan.gated.totalSeconds).toFixed(2)}`);
    }
    return failed ? 1 : 0;
}
