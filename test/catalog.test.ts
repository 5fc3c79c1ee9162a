import { strict as assert } from "node:assert";
import { catalog, catalogAdditions, seedEdgeChanges } from "../components/catalog";
import { declaredWaveInversions, findCycle, unknownDependencies } from "../lib/graph";
import { expectedDependencies, seedTable } from "./helpers";

describe("catalog (pure)", () => {
    const seed = seedTable();

    it("holds the seed's 23 Applications with their tiers and dependencies, but for the edge changes it lists", () => {
        assert.equal(catalog.length, 23 + catalogAdditions.length);
        assert.deepEqual(catalog.map((c) => c.name).sort(), [...seed.map((s) => s.name), ...catalogAdditions.map((a) => a.name)].sort());
        for (const s of seed) {
            const c = catalog.find((x) => x.name === s.name)!;
            assert.equal(c.tier, s.tier, `${s.name} tier`);
            assert.deepEqual([...c.dependsOn].sort(), expectedDependencies(s), `${s.name} dependencies`);
            assert.equal(c.path, `apps/${s.name}`);
            assert.equal(c.gpuOnly, s.tier === 3, `${s.name} is GPU-only exactly when Tier 3`);
            assert.ok(c.healthTimeoutSeconds >= c.estimateSeconds, `${s.name} timeout covers its estimate`);
        }
    });

    it("lists each edge change with its reason, and each one really changes the seed's edges", () => {
        for (const change of seedEdgeChanges) {
            const row = seed.find((s) => s.name === change.component);
            assert.ok(row, change.component);
            assert.ok(change.why.length > 20, change.component);
            for (const d of change.added) assert.ok(!row.dependsOn.includes(d), `${change.component} already had ${d}`);
            for (const d of change.removed) assert.ok(row.dependsOn.includes(d), `${change.component} never had ${d}`);
        }
        assert.deepEqual(catalog.find((c) => c.name === "gpu-cluster-policy")!.dependsOn, ["gpu-operator", "nfd-instance"]);
    });

    it("keeps the seed's declared waves except tetragon's and argocd-config's, which it moves after what they need", () => {
        for (const s of seed) {
            const c = catalog.find((x) => x.name === s.name)!;
            if (s.name === "tetragon") assert.equal(c.declaredWave, 0);
            // After the controller whose CRD its SealedSecret needs (seedEdgeChanges).
            else if (s.name === "argocd-config") assert.equal(c.declaredWave, -5);
            // After its cache (wave 2): the seed had no cache, and served from the download in nim-llm itself.
            else if (s.name === "nim-llm") assert.equal(c.declaredWave, 3);
            else assert.equal(c.declaredWave, s.wave, `${s.name} wave`);
        }
    });

    it("flags the seed table as given: tetragon and tetragon-catalogsource share wave -1", () => {
        const nodes = seed.map((s) => ({ name: s.name, dependsOn: s.dependsOn, estimateSeconds: 0, declaredWave: s.wave }));
        assert.deepEqual(declaredWaveInversions(nodes), [
            { component: "tetragon", wave: -1, dependency: "tetragon-catalogsource", dependencyWave: -1 },
        ]);
    });

    it("has no inversion, cycle or unknown dependency of its own", () => {
        assert.deepEqual(declaredWaveInversions(catalog), []);
        assert.equal(findCycle(catalog), undefined);
        assert.deepEqual(unknownDependencies(catalog), []);
        // The config parser names a config entry for every tier problem and every cycle: it relies on these two.
        const tierOf = new Map(catalog.map((c) => [c.name, c.tier]));
        assert.deepEqual(catalog.flatMap((c) => c.dependsOn.filter((d) => tierOf.get(d)! > c.tier).map((d) => `${c.name} -> ${d}`)), []);
    });

    it("treats the Cilium CNI as a precondition of cilium-config, not an edge", () => {
        const c = catalog.find((x) => x.name === "cilium-config")!;
        assert.deepEqual(c.dependsOn, []);
        assert.match(c.precondition ?? "", /Cilium CNI/);
    });
});
