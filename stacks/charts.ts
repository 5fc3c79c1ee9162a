import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { mirroredChart, UmbrellaChart } from "../lib/chartSource";
import { ConfigProblems } from "../lib/problems";
import type { ClusterConfig } from "./types";

/** An umbrella chart of this checkout (`apps/<component>/Chart.yaml` and `values.yaml`), for the chart mirror. */
export function readUmbrella(repoDir: string, sourcePath: string): UmbrellaChart {
    const file = path.join(sourcePath, "Chart.yaml");
    const read = (f: string) => {
        try {
            return parseYaml(readFileSync(path.join(repoDir, f), "utf8")) as unknown;
        } catch (e) {
            throw new ConfigProblems([`${f}: cannot read it for the chart mirror: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`]);
        }
    };
    if (!existsSync(path.join(repoDir, file))) throw new ConfigProblems([`${file}: no such file; a Helm component needs its Chart.yaml for the chart mirror (mirror.chartRepository)`]);
    const chart = read(file) as { dependencies?: { name: string; version: string; alias?: string }[] } | null;
    const dependency = chart?.dependencies?.[0];
    if (!dependency) throw new ConfigProblems([`${file}: pins no chart (dependencies[0]); the chart mirror takes that chart`]);
    const valuesFile = path.join(sourcePath, "values.yaml");
    return { dependency, values: existsSync(path.join(repoDir, valuesFile)) ? read(valuesFile) ?? {} : {} };
}

/**
 * With `mirror.chartRepository`, each Helm component of this repository takes its chart from the mirror (its source's
 * `chart`); everything else is unchanged. Reads the checkout the program runs in (`pulumi up` runs in the GitOps
 * repository, so an edit of apps/<component>/values.yaml reaches such a cluster with the next `pulumi up`).
 */
export function withChartMirror(config: ClusterConfig, repoDir: string): ClusterConfig {
    const mirror = config.chartMirror;
    if (!mirror) return config;
    const components = config.components.map((c) => {
        if (c.content !== "helm" || !existsSync(path.join(repoDir, c.source.path))) return c;
        const chart = mirroredChart(readUmbrella(repoDir, c.source.path), c.source.helmValues, mirror.repoURL);
        return { ...c, source: { ...c.source, chart } };
    });
    return { ...config, components };
}
