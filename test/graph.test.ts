import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
    closestName, declaredWaveInversions, derivedWaves, findCycle, findCycles, gatedSchedule, GraphNode, topologicalOrder,
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

// Cases found by mutation testing (test/MUTATION.md): each asserts what a user sees in the plan or an error line.
describe("graph: edges of the lines users read", () => {
    const node = (name: string, dependsOn: string[] = [], estimateSeconds = 60): GraphNode => ({ name, dependsOn, estimateSeconds });

    it("names at most `max` separate cycles, and every one up to it", () => {
        const nodes = ["a", "b", "c"].flatMap((x) => [node(`${x}1`, [`${x}2`]), node(`${x}2`, [`${x}1`])]);
        assert.equal(findCycles(nodes, 2).length, 2);
        assert.deepEqual(findCycles(nodes, 3).map((c) => c.length), [3, 3, 3]);
        assert.deepEqual(findCycles(nodes, 1), [["a1", "a2", "a1"]]);
    });

    it("keeps the input order inside a wave (the plan's table does not reshuffle)", () => {
        assert.deepEqual(topologicalOrder([node("c"), node("a"), node("b"), node("d", ["a"])]), ["c", "a", "b", "d"]);
    });

    it("lists sync waves in numeric order whatever order components come in, the first of equals as a wave's slowest", () => {
        const nodes = [{ ...node("late", [], 30), w: 2 }, { ...node("first", [], 10), w: -1 }, { ...node("tie-a", [], 50), w: 0 }, { ...node("tie-b", [], 50), w: 0 }];
        const s = waveSchedule(nodes, (n) => (n as typeof nodes[number]).w, 2);
        assert.deepEqual(s.steps.map((x) => x.wave), [-1, 0, 2]);
        assert.deepEqual(s.criticalPath, ["first", "tie-a", "late"]);
        assert.equal(s.totalSeconds, 10 + 50 + 30 + 2 * 2);
    });

    it("names the first of equally late dependencies and of equally late ends on the critical path, and a dependency ready at 0 s", () => {
        const s = gatedSchedule([node("a", [], 60), node("b", [], 60), node("c", ["a", "b"], 30), node("d", ["a", "b"], 30)]);
        assert.deepEqual(s.criticalPath, ["a", "c"]);
        assert.equal(s.totalSeconds, 90);
        const zero = gatedSchedule([node("flag", [], 0), node("app", ["flag"], 30)]);
        assert.deepEqual(zero.criticalPath, ["flag", "app"]);
    });

    it("suggests a name only within the typo distance (2, or a third of the name), and the exact match over a near one", () => {
        assert.equal(closestName("nim-llm", ["nim-llx", "nim-llm"]), "nim-llm");
        assert.equal(closestName("tetragonx", ["tetragon"]), "tetragon");
        // "abcdefghi" (9 letters): distance 3 is a typo, 4 is not.
        assert.equal(closestName("abcdefghi", ["abcdefxyz"]), "abcdefxyz");
        assert.equal(closestName("abcdefghi", ["abcdewxyz"]), undefined);
        assert.equal(closestName("gpu", ["splunk-reporter", "vector-exporter"]), undefined);
        assert.equal(closestName("gpu", []), undefined);
        // Two names equally close: the first in catalog order is the one suggested.
        assert.equal(closestName("nfd-operatr", ["nfd-operator", "nfd-operators"]), "nfd-operator");
        assert.equal(closestName("abc", ["abd", "abe"]), "abd");
    });
});
