import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
    closestName, declaredWaveInversions, derivedWaves, findCycle, gatedSchedule, GraphNode, topologicalOrder,
    unknownDependencies, waveSchedule,
} from "../lib/graph";

/** Random DAGs: node i may depend only on nodes before it, so the graph is acyclic by construction. */
const dag = fc.integer({ min: 1, max: 60 }).chain((n) =>
    fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
            fc.record({
                deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : Math.min(i, 4) }),
                estimate: fc.integer({ min: 0, max: 3600 }),
            })),
    ).map((specs) => specs.map((s, i): GraphNode => ({
        name: `c${i}`, dependsOn: s.deps.filter((d) => d < i).map((d) => `c${d}`), estimateSeconds: s.estimate,
    }))),
).chain((nodes) => fc.shuffledSubarray(nodes, { minLength: nodes.length, maxLength: nodes.length }));

describe("graph (pure)", () => {
    it("orders every dependency before its dependent", () => {
        fc.assert(fc.property(dag, (nodes) => {
            const order = topologicalOrder(nodes);
            const pos = new Map(order.map((n, i) => [n, i]));
            assert.equal(order.length, nodes.length);
            for (const n of nodes) for (const d of n.dependsOn) assert.ok(pos.get(d)! < pos.get(n.name)!, `${d} before ${n.name}`);
        }));
    });

    it("derives waves that strictly increase along every edge, each one after its latest dependency", () => {
        fc.assert(fc.property(dag, (nodes) => {
            const waves = derivedWaves(nodes);
            for (const n of nodes) {
                const latest = Math.max(-1, ...n.dependsOn.map((d) => waves.get(d)!));
                assert.equal(waves.get(n.name), latest + 1);
                for (const d of n.dependsOn) assert.ok(waves.get(d)! < waves.get(n.name)!);
            }
        }));
    });

    it("finds no cycle in a DAG, and always names an injected cycle", () => {
        fc.assert(fc.property(dag, fc.nat(), fc.nat(), (nodes, a, b) => {
            assert.equal(findCycle(nodes), undefined);
            // Make x depend on y where y already reaches x (or x itself): a cycle through both.
            const order = topologicalOrder(nodes);
            const x = order[a % order.length];
            const reach = (from: string, to: string): boolean => from === to ||
                nodes.find((n) => n.name === from)!.dependsOn.some((d) => reach(d, to));
            const candidates = order.filter((y) => reach(y, x));
            const y = candidates[b % candidates.length];
            const cyclic = nodes.map((n) => (n.name === x ? { ...n, dependsOn: [...n.dependsOn, y] } : n));
            const cycle = findCycle(cyclic);
            assert.ok(cycle, "cycle found");
            assert.equal(cycle[0], cycle[cycle.length - 1], "names the cycle closed: a -> b -> a");
            for (let i = 0; i + 1 < cycle.length; i++) {
                assert.ok(cyclic.find((n) => n.name === cycle[i])!.dependsOn.includes(cycle[i + 1]), "each step is an edge");
            }
            assert.ok(cycle.includes(x) && cycle.includes(y));
            assert.throws(() => derivedWaves(cyclic), /cycle/);
        }));
    });

    it("is stable: the order does not depend on anything but the input order and the edges", () => {
        fc.assert(fc.property(dag, (nodes) => {
            assert.deepEqual(topologicalOrder(nodes), topologicalOrder([...nodes]));
        }));
    });

    it("schedules under gates no later than under waves, and never before the critical path", () => {
        fc.assert(fc.property(dag, (nodes) => {
            const waves = derivedWaves(nodes);
            const gated = gatedSchedule(nodes);
            const byWave = waveSchedule(nodes, (n) => waves.get(n.name)!, 0);
            assert.ok(gated.totalSeconds <= byWave.totalSeconds);
            const est = new Map(nodes.map((n) => [n.name, n.estimateSeconds]));
            assert.equal(gated.criticalPath.reduce((t, c) => t + est.get(c)!, 0), gated.totalSeconds);
            for (let i = 0; i + 1 < gated.criticalPath.length; i++) {
                assert.ok(nodes.find((n) => n.name === gated.criticalPath[i + 1])!.dependsOn.includes(gated.criticalPath[i]));
            }
        }));
    });

    it("computes the example by hand", () => {
        const nodes: GraphNode[] = [
            { name: "a", dependsOn: [], estimateSeconds: 10, declaredWave: 0 },
            { name: "b", dependsOn: ["a"], estimateSeconds: 100, declaredWave: 1 },
            { name: "c", dependsOn: ["a"], estimateSeconds: 5, declaredWave: 1 },
            { name: "d", dependsOn: ["c"], estimateSeconds: 5, declaredWave: 2 },
        ];
        const g = gatedSchedule(nodes);
        assert.equal(g.totalSeconds, 110);
        assert.deepEqual(g.criticalPath, ["a", "b"]);
        const w = waveSchedule(nodes, (n) => n.declaredWave!, 2);
        assert.equal(w.totalSeconds, 10 + 100 + 5 + 2 * 2);
        assert.deepEqual(w.criticalPath, ["a", "b", "d"]);
        assert.deepEqual(topologicalOrder(nodes), ["a", "b", "c", "d"]);
    });

    it("reports unknown dependencies with their index, inversions, and suggests close names", () => {
        assert.deepEqual(unknownDependencies([{ name: "x", dependsOn: ["y", "z"], estimateSeconds: 0 }, { name: "y", dependsOn: [], estimateSeconds: 0 }]),
            [{ component: "x", index: 1, dependency: "z" }]);
        assert.deepEqual(declaredWaveInversions([
            { name: "p", dependsOn: [], estimateSeconds: 0, declaredWave: -1 },
            { name: "q", dependsOn: ["p"], estimateSeconds: 0, declaredWave: -1 },
        ]), [{ component: "q", wave: -1, dependency: "p", dependencyWave: -1 }]);
        assert.equal(closestName("nim-operatr", ["nim-operator", "nim-llm"]), "nim-operator");
        assert.equal(closestName("zzzzzzzz", ["nim-operator"]), undefined);
    });

    it("handles a chain of 10,000 components without overflowing the stack", () => {
        const nodes = Array.from({ length: 10_000 }, (_, i): GraphNode => ({ name: `n${i}`, dependsOn: i ? [`n${i - 1}`] : [], estimateSeconds: 1 }));
        assert.equal(findCycle(nodes), undefined);
        assert.equal(derivedWaves(nodes).get("n9999"), 9999);
        const cyclic = [{ ...nodes[0], dependsOn: ["n9999"] }, ...nodes.slice(1)];
        assert.equal(findCycle(cyclic)?.length, 10_001);
    });
});
