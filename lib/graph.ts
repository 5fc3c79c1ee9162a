/**
 * The dependency graph of a cluster's components: pure functions over plain data (no Pulumi), so they can be
 * tested and benchmarked alone. Names are component names; edges point from a component to what it depends on.
 */

export interface GraphNode {
    readonly name: string;
    readonly dependsOn: readonly string[];
    /** Estimated seconds to Synced + Healthy (planning only). */
    readonly estimateSeconds: number;
    /** The sync wave the component declares, if any. */
    readonly declaredWave?: number;
}

/** A dependency on a name that is not in the graph, with its position in the component's list. */
export interface UnknownDependency {
    readonly component: string;
    readonly index: number;
    readonly dependency: string;
}

/** Every dependency whose target is missing from the graph. */
export function unknownDependencies(nodes: readonly GraphNode[]): UnknownDependency[] {
    const names = new Set(nodes.map((n) => n.name));
    const out: UnknownDependency[] = [];
    for (const n of nodes) {
        n.dependsOn.forEach((d, index) => {
            if (!names.has(d)) out.push({ component: n.name, index, dependency: d });
        });
    }
    return out;
}

/**
 * Every cycle that does not share a component with one already found: each one found, its components are set
 * aside and the search goes on, so two separate cycles are two answers. At most `max`.
 */
export function findCycles(nodes: readonly GraphNode[], max = 20): string[][] {
    const out: string[][] = [];
    let rest = nodes;
    for (let cycle = findCycle(rest); cycle && out.length < max; cycle = findCycle(rest)) {
        out.push(cycle);
        const gone = new Set(cycle);
        rest = rest.filter((n) => !gone.has(n.name));
    }
    return out;
}

/**
 * One cycle, as the list of names along it with the first repeated at the end (`a -> b -> a`), or undefined.
 * Iterative DFS, so ten thousand components in one chain do not overflow the stack. Unknown names are skipped.
 */
export function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
    for (const root of nodes) {
        if (state.has(root.name)) continue;
        const path: string[] = [root.name];
        const next: number[] = [0];
        state.set(root.name, 1);
        while (path.length > 0) {
            const top = path[path.length - 1];
            const deps = byName.get(top)!.dependsOn;
            const i = next[next.length - 1];
            if (i >= deps.length) {
                state.set(top, 2);
                path.pop();
                next.pop();
                continue;
            }
            next[next.length - 1] = i + 1;
            const d = deps[i];
            if (!byName.has(d)) continue;
            const s = state.get(d);
            if (s === 1) return [...path.slice(path.indexOf(d)), d];
            if (s === undefined) {
                state.set(d, 1);
                path.push(d);
                next.push(0);
            }
        }
    }
    return undefined;
}

/**
 * Derived waves: a component with no dependencies is wave 0, any other is one wave after its latest dependency.
 * Requires an acyclic graph with every dependency known (check with findCycle and unknownDependencies first).
 */
export function derivedWaves(nodes: readonly GraphNode[]): Map<string, number> {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const dependents = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
    const missing = new Map<string, number>();
    for (const n of nodes) {
        const deps = new Set(n.dependsOn);
        missing.set(n.name, deps.size);
        for (const d of deps) dependents.get(d)!.push(n.name);
    }
    const wave = new Map<string, number>();
    const queue = nodes.filter((n) => missing.get(n.name) === 0).map((n) => n.name);
    for (let head = 0; head < queue.length; head++) {
        const name = queue[head];
        let w = 0;
        for (const d of byName.get(name)!.dependsOn) w = Math.max(w, wave.get(d)! + 1);
        wave.set(name, w);
        for (const dep of dependents.get(name)!) {
            const left = missing.get(dep)! - 1;
            missing.set(dep, left);
            if (left === 0) queue.push(dep);
        }
    }
    if (wave.size !== nodes.length) throw new Error("derivedWaves: the graph has a cycle");
    return wave;
}

/**
 * A stable topological order: by derived wave, then by position in the input. Waves strictly increase along
 * every edge, so this order respects every dependency, and it does not move when unrelated components change.
 */
export function topologicalOrder(nodes: readonly GraphNode[], waves = derivedWaves(nodes)): string[] {
    const index = new Map(nodes.map((n, i) => [n.name, i]));
    return nodes
        .map((n) => n.name)
        .sort((a, b) => waves.get(a)! - waves.get(b)! || index.get(a)! - index.get(b)!);
}

/** A dependency whose declared wave is not strictly earlier than its dependent's: Argo CD would apply them together or inverted. */
export interface WaveInversion {
    readonly component: string;
    readonly wave: number;
    readonly dependency: string;
    readonly dependencyWave: number;
}

export function declaredWaveInversions(nodes: readonly GraphNode[]): WaveInversion[] {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const out: WaveInversion[] = [];
    for (const n of nodes) {
        if (n.declaredWave === undefined) continue;
        for (const d of n.dependsOn) {
            const dw = byName.get(d)?.declaredWave;
            if (dw !== undefined && dw >= n.declaredWave) {
                out.push({ component: n.name, wave: n.declaredWave, dependency: d, dependencyWave: dw });
            }
        }
    }
    return out;
}

export interface GatedSchedule {
    /** Seconds from start until the component is ready, when each waits only for its own dependencies. */
    readonly readyAt: ReadonlyMap<string, number>;
    readonly totalSeconds: number;
    /** The chain of components that decides the total, first to last. */
    readonly criticalPath: readonly string[];
}

/** Estimated time to ready under dependsOn gates (Pulumi's model): each component starts once its dependencies are ready. */
export function gatedSchedule(nodes: readonly GraphNode[], order = topologicalOrder(nodes)): GatedSchedule {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const readyAt = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    let last: string | undefined;
    for (const name of order) {
        const n = byName.get(name)!;
        let start = 0;
        let from: string | undefined;
        for (const d of n.dependsOn) {
            const t = readyAt.get(d)!;
            if (from === undefined || t > start) {
                start = t;
                from = d;
            }
        }
        const done = start + n.estimateSeconds;
        readyAt.set(name, done);
        via.set(name, from);
        if (last === undefined || done > readyAt.get(last)!) last = name;
    }
    const criticalPath: string[] = [];
    for (let c = last; c !== undefined; c = via.get(c)) criticalPath.unshift(c);
    return { readyAt, totalSeconds: last === undefined ? 0 : readyAt.get(last)!, criticalPath };
}

export interface WaveStep {
    readonly wave: number;
    readonly components: readonly string[];
    readonly slowest: string;
    readonly seconds: number;
}

export interface WaveSchedule {
    readonly steps: readonly WaveStep[];
    readonly totalSeconds: number;
    /** The slowest component of each wave: what wave-by-wave sync waits for. */
    readonly criticalPath: readonly string[];
}

/**
 * Argo CD's own pacing of an app-of-apps: each wave starts when every component of the wave before is healthy,
 * plus the controller's ARGOCD_SYNC_WAVE_DELAY (2 s by default) between waves.
 */
export function waveSchedule(
    nodes: readonly GraphNode[],
    waveOf: (n: GraphNode) => number,
    waveDelaySeconds = 2,
): WaveSchedule {
    const groups = new Map<number, GraphNode[]>();
    for (const n of nodes) {
        const w = waveOf(n);
        const g = groups.get(w);
        if (g) g.push(n);
        else groups.set(w, [n]);
    }
    const steps = [...groups.entries()]
        .sort(([a], [b]) => a - b)
        .map(([wave, members]) => {
            const slowest = members.reduce((a, b) => (b.estimateSeconds > a.estimateSeconds ? b : a));
            return { wave, components: members.map((m) => m.name), slowest: slowest.name, seconds: slowest.estimateSeconds };
        });
    const totalSeconds = steps.reduce((t, s) => t + s.seconds, 0) + Math.max(0, steps.length - 1) * waveDelaySeconds;
    return { steps, totalSeconds, criticalPath: steps.map((s) => s.slowest) };
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(name, c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}
