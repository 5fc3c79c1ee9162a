import { tierNames } from "../components/catalog/types";
import type { ClusterComponent, ClusterConfig } from "../stacks/types";
import { cacheName } from "./serving";
import {
    declaredWaveInversions, derivedWaves, gatedSchedule, GatedSchedule, topologicalOrder, WaveInversion, waveSchedule, WaveSchedule,
} from "./graph";

/** A cluster's deployment plan: pure data derived from its validated config. */
export interface ClusterPlan {
    readonly cluster: string;
    /** Enabled components in deployment order. */
    readonly order: readonly ClusterComponent[];
    readonly derivedWave: ReadonlyMap<string, number>;
    /** Declared waves, with extra components that declare none placed one after their latest dependency. */
    readonly declaredWave: ReadonlyMap<string, number>;
    readonly gated: GatedSchedule;
    readonly waves: WaveSchedule;
    readonly inversions: readonly WaveInversion[];
    /** What runs before the first component, in order. */
    readonly bootstrap: readonly string[];
    /** How the NIM model gets served, in words (empty without nim-cache). */
    readonly serving: readonly string[];
    /** Catalog components that are off on this cluster, and why. */
    readonly disabled: readonly { readonly name: string; readonly why: string }[];
    /** The NIMCache's name, which changes with the model: a change is a new download. */
    readonly modelCache?: string;
}

export function planCluster(config: ClusterConfig): ClusterPlan {
    const nodes = config.components;
    const derivedWave = derivedWaves(nodes);
    const names = topologicalOrder(nodes, derivedWave);
    const byName = new Map(nodes.map((c) => [c.name, c]));
    const order = names.map((n) => byName.get(n)!);
    const declaredWave = new Map<string, number>();
    for (const c of order) {
        const own = c.declaredWave;
        declaredWave.set(c.name, Number.isNaN(own)
            ? c.dependsOn.reduce((w, d) => Math.max(w, declaredWave.get(d)! + 1), Number.NEGATIVE_INFINITY) : own);
        if (declaredWave.get(c.name) === Number.NEGATIVE_INFINITY) declaredWave.set(c.name, 0);
    }
    return {
        cluster: config.cluster,
        order,
        derivedWave,
        declaredWave,
        gated: gatedSchedule(nodes, names),
        waves: waveSchedule(nodes, (n) => declaredWave.get(n.name)!),
        inversions: declaredWaveInversions(nodes.map((c) => ({ ...c, declaredWave: declaredWave.get(c.name) }))),
        bootstrap: bootstrapSteps(config),
        disabled: config.disabled,
        serving: servingLines(config, gatedSchedule(nodes, names)),
        ...(config.components.some((c) => c.name === "nim-cache") ? { modelCache: cacheName(config.serving) } : {}),
    };
}

/** The model cache beside the driver build, and what a change of model means. */
export function servingLines(config: ClusterConfig, gated: GatedSchedule): string[] {
    const cache = config.components.find((c) => c.name === "nim-cache");
    if (!cache) return [];
    const s = config.serving;
    const at = (n: string) => gated.readyAt.get(n);
    const m = (t: number | undefined) => (t === undefined ? "-" : formatDuration(t));
    const policy = at("gpu-cluster-policy");
    return [
        `Serving: ${s.image}:${s.tag} on ${s.gpus} GPU(s), ` +
            (s.profiles ? `profile ${s.profiles.join(", ")}` : `profiles for ${s.gpuProduct} (${s.engine}, tp ${s.tensorParallelism}${s.precision ? `, ${s.precision}` : ""})`) +
            `, cache ${cacheName(s)} (${s.cacheSize} on ${s.storageClass}), from ${s.modelMirror ?? "NGC"}`,
        `  the model downloads beside the driver build: nim-cache ready at ${m(at("nim-cache"))}, ` +
            `gpu-cluster-policy (driver ${config.gpuDriver.precompiled ? `precompiled ${config.gpuDriver.repository}/${config.gpuDriver.image}:${config.gpuDriver.version}` : "built on each node"}) at ${m(policy)}, nim-llm serving at ${m(at("nim-llm"))}`,
        "  a change of model, tag, profiles, mirror, StorageClass or size replaces the model cache: the model is downloaded again",
    ];
}

export function bootstrapSteps(config: ClusterConfig): string[] {
    const a = config.argocd;
    const access = config.kubernetes.context ? `kubeconfig context ${config.kubernetes.context}` : "kubeconfig from secret config";
    const steps = [`cluster access: one Kubernetes provider (${access})`];
    if (config.mirror && a.flavor === "openshift-gitops") steps.push(`image mirrors and GitOps operator catalog (${config.mirror.registry})`);
    steps.push(a.flavor === "openshift-gitops"
        ? `argo cd: OpenShift GitOps operator (channel ${a.channel}, ${a.approval}, default instance off) and the program's ArgoCD ${a.namespace}/argocd, gated on Available`
        : a.flavor === "helm" ? `argo cd: argo-cd Helm chart ${a.chartVersion} in ${a.namespace}, gated on the release`
        : `argo cd: existing install in ${a.namespace} (nothing installed)`);
    steps.push(`repository access: ${config.gitops.access}`);
    steps.push(`sealed secrets key: fleet key (${config.sealedSecrets.keySource === "stack" ? `from ${config.sealedSecrets.fleetStack}` : "from secret config"}) in ${config.sealedSecrets.namespace}`);
    steps.push(`root application: ${config.rootApp.name} -> ${config.gitops.clusterAppsPath} @ ${config.gitops.revision}`);
    return steps;
}

export function formatDuration(seconds: number): string {
    // Rounded first, so 59.6 s reads "1m 00s", never "0m 60s".
    const total = Math.round(seconds);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s` : `${m}m ${String(s).padStart(2, "0")}s`;
}

function table(rows: readonly (readonly string[])[]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/** The plan as text: bootstrap steps, the components in dependency order, then critical path and time to ready. */
export function renderPlan(plan: ClusterPlan): string {
    const out: string[] = [`Deployment plan for ${plan.cluster}: ${plan.order.length} components`, "", "Bootstrap (before any component):"];
    plan.bootstrap.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
    out.push("");
    // Estimated start and ready times under the gates: components that run side by side show overlapping spans.
    const rows = [["#", "wave", "declared", "tier", "component", "start", "ready", "depends on"]];
    const clock = (t: number) => `${Math.floor(Math.round(t) / 60)}:${String(Math.round(t) % 60).padStart(2, "0")}`;
    plan.order.forEach((c, i) => {
        const ready = plan.gated.readyAt.get(c.name)!;
        rows.push([
            String(i + 1), String(plan.derivedWave.get(c.name)), String(plan.declaredWave.get(c.name)),
            `${c.tier} ${tierNames[c.tier]}`, c.extra ? `${c.name} (extra)` : c.name, clock(ready - c.estimateSeconds), clock(ready),
            c.dependsOn.join(", ") || "-",
        ]);
    });
    out.push(table(rows), "");
    if (plan.disabled.length > 0) {
        out.push(`Turned off on this cluster: ${plan.disabled.map((d) => `${d.name} (${d.why})`).join(", ")}`, "");
    }
    for (const line of plan.serving) out.push(line);
    if (plan.serving.length > 0) out.push("");
    for (const inv of plan.inversions) {
        out.push(`warning: ${inv.component} (wave ${inv.wave}) depends on ${inv.dependency} (wave ${inv.dependencyWave}): Argo CD waves alone would not order them`);
    }
    const ratio = plan.gated.totalSeconds > 0 ? plan.waves.totalSeconds / plan.gated.totalSeconds : 1;
    out.push(
        `Critical path (dependsOn gates): ${plan.gated.criticalPath.join(" -> ")}`,
        // Under waves nothing chains: each wave waits for the slowest of the wave before.
        `Slowest of each sync wave:       ${plan.waves.steps.map((s) => `${s.wave}: ${s.slowest}`).join(", ")}`,
        `Estimated time to ready: ${formatDuration(plan.gated.totalSeconds)} under dependsOn gates, ` +
            `${formatDuration(plan.waves.totalSeconds)} under sync waves (${plan.waves.steps.length} waves), x${ratio.toFixed(2)}`,
        "(estimates from the catalog's estimateSeconds, not measurements)",
    );
    return out.join("\n");
}

/** The plan as data, written to plan.json next to preview.json: what `plan:diff` compares. */
export interface PlanSummary {
    readonly cluster: string;
    readonly components: readonly {
        readonly name: string;
        readonly tier: number;
        readonly wave: number;
        readonly declaredWave: number;
        readonly dependsOn: readonly string[];
        readonly gpuOnly: boolean;
        readonly estimateSeconds: number;
    }[];
    readonly bootstrap: readonly string[];
    readonly criticalPath: { readonly gated: readonly string[]; readonly waves: readonly string[] };
    readonly totalSeconds: { readonly gated: number; readonly waves: number };
    readonly modelCache?: string;
}

export function planSummary(plan: ClusterPlan): PlanSummary {
    return {
        cluster: plan.cluster,
        components: plan.order.map((c) => ({
            name: c.name, tier: c.tier, wave: plan.derivedWave.get(c.name)!, declaredWave: plan.declaredWave.get(c.name)!,
            dependsOn: [...c.dependsOn], gpuOnly: c.gpuOnly, estimateSeconds: c.estimateSeconds,
        })),
        bootstrap: [...plan.bootstrap],
        criticalPath: { gated: [...plan.gated.criticalPath], waves: [...plan.waves.criticalPath] },
        totalSeconds: { gated: plan.gated.totalSeconds, waves: plan.waves.totalSeconds },
        ...(plan.modelCache ? { modelCache: plan.modelCache } : {}),
    };
}
