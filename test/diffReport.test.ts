import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { commentMarker, diffDocument, diffReport, PlanSnapshot } from "../lib/diffReport";
import type { PlanSummary } from "../lib/plan";
import { root } from "./helpers";

/**
 * The PR comment of `plan:diff` on hand-made snapshots: every section a reviewer reads, compared whole, so a change
 * to any count, row, title, fence or time shows here (the whole-stack diff tests read a few lines of real plans).
 */
const app = (name: string, wave: number, rev = "main") =>
    `# urn:pulumi:lab::saif-platform::kubernetes:argoproj.io/v1alpha1:Application::${name}\napiVersion: argoproj.io/v1alpha1\n` +
    `kind: Application\nmetadata:\n  name: ${name}\n  labels:\n    saif.io/component: ${name}\n  annotations:\n` +
    `    argocd.argoproj.io/sync-wave: "${wave}"\nspec:\n  source:\n    targetRevision: ${rev}\n`;
const comp = (name: string, tier: number, wave: number, dependsOn: string[]) =>
    ({ name, tier, wave, declaredWave: wave, dependsOn, gpuOnly: false, estimateSeconds: 60 });
/** `after` with component n depending on `d`. */
const deps = (d: string[]): PlanSnapshot => ({ ...after, summary: { ...after.summary!, components: after.summary!.components.map((c) => (c.name === "n" ? { ...c, dependsOn: d } : c)) } });
const summary = (components: PlanSummary["components"], gated: string[], seconds: number, modelCache?: string): PlanSummary => ({
    cluster: "lab", components, bootstrap: [], criticalPath: { gated, waves: gated },
    totalSeconds: { gated: seconds, waves: seconds * 2 }, ...(modelCache ? { modelCache } : {}),
});

const before: PlanSnapshot = {
    summary: summary([comp("a", 0, 0, []), comp("b", 1, 1, ["a"]), comp("c", 1, 1, ["a"]), comp("gone", 2, 2, ["b"])], ["a", "b", "gone"], 180, "cache-1111"),
    manifests: new Map([
        ["Application/openshift-gitops/a", app("a", 0)], ["Application/openshift-gitops/b", app("b", 1)],
        ["Application/openshift-gitops/c", app("c", 1)], ["Application/openshift-gitops/gone", app("gone", 2)],
        ["Namespace//x", "# urn\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    l: one\n"],
        ["ConfigMap/x/old", "apiVersion: v1\nkind: ConfigMap\n"],
    ]),
    rendered: new Map([
        ["b", new Map([["Deployment/b/b", "replicas: 1\n"], ["Secret/b/dropped", "kind: Secret\n"]])],
        ["gone", new Map([["chart", "x"]])],
    ]),
};
const after: PlanSnapshot = {
    summary: summary([comp("a", 0, 0, []), comp("c", 1, 1, ["a"]), comp("b", 1, 1, ["a", "c"]), comp("n", 2, 2, ["b"])], ["a", "c", "b", "n"], 3725, "cache-2222"),
    manifests: new Map([
        ["Application/openshift-gitops/a", app("a", 0)], ["Application/openshift-gitops/b", app("b", 1, "v2")],
        ["Application/openshift-gitops/c", app("c", 1)], ["Application/openshift-gitops/n", app("n", 2)],
        ["Namespace//x", "# urn\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    l: two\n"],
        ["Secret/x/new", "kind: Secret\n"],
    ]),
    rendered: new Map([
        ["b", new Map([["Deployment/b/b", "replicas: 2\n"], ["chart", "c: 1\n"]])],
        ["n", new Map([["chart", "y"]])],
    ]),
    graph: "flowchart TD\n  a --> b",
};

describe("plan:diff's report (pure, on hand-made snapshots)", () => {
    it("warns, per CRD, when a component that stays stops rendering it (Argo CD's prune would delete it); not for a removed component", () => {
        const crd = "CustomResourceDefinition//widgets.example.com";
        const withCrd = (s: PlanSnapshot, comps: string[]): PlanSnapshot => ({
            ...s, rendered: new Map([...s.rendered!].map(([c, objs]) => [c, comps.includes(c) ? new Map([...objs, [crd, "kind: CustomResourceDefinition\n"]]) : objs])),
        });
        const report = diffReport("lab", withCrd(before, ["b", "gone"]), after);
        assert.match(report, /### CRDs Argo CD would prune\n\n- \*\*`b` no longer renders the CRD `widgets\.example\.com`\*\*: its automated prune deletes it and every object of its kind/);
        // "gone" is removed with its Application (its finalizer decides), so it is not listed here.
        assert.equal((report.match(/no longer renders the CRD/g) ?? []).length, 1);
        assert.ok(!diffReport("lab", withCrd(before, ["b"]), withCrd(after, ["b"])).includes("CRDs Argo CD would prune"));
    });

    it("reads as test/fixtures/diff-report-lab.md: counts, component rows, model cache, diffs, rendered objects, rewiring, moves, times, graph", () => {
        // What each part says, checked by hand: n added, gone removed, b's Application changed; the Namespace changed,
        // a Secret added, a ConfigMap removed (3 others); b gains c; c and b swap places among the common components;
        // rendered objects of b only (the one component both sides render), keys in sorted order.
        assert.equal(diffReport("lab", before, after) + "\n", readFileSync(path.join(root, "test/fixtures/diff-report-lab.md"), "utf8"));
    });

    it("says 'No changes' with the component count when nothing differs, rendered objects included", () => {
        assert.equal(diffReport("lab", after, after), "## Stack `lab`\n\nNo changes: 4 components, same order, same objects.");
        const renderedOnly = { ...after, rendered: new Map([["b", new Map([["Deployment/b/b", "replicas: 3\n"]])]]) };
        // Never "0 changed" over a real change: the headline leads with what changes.
        assert.match(diffReport("lab", after, renderedOnly), /\*\*No Application changes; 2 rendered objects change\*\*; 0 other objects differ; 0 components change dependencies; 0 move in order or wave\./);
        assert.ok(!diffReport("lab", after, renderedOnly).includes("0 changed"));
        assert.match(diffReport("lab", after, renderedOnly), /`b`: `Deployment\/b\/b`<\/summary>\n\n```diff\n[^`]*-replicas: 2\n\+replicas: 3\n```/);
        assert.match(diffReport("lab", after, renderedOnly), /`b`: `chart` \(removed\)|`b`: chart and values \(removed\)/);
        const cacheOnly = { ...after, summary: { ...after.summary!, modelCache: "cache-3333" } };
        assert.match(diffReport("lab", after, cacheOnly), /`cache-2222` → `cache-3333`/);
        // A side without rendered content compares no rendered objects.
        assert.equal(diffReport("lab", after, { ...after, rendered: undefined }), diffReport("lab", after, after));
    });

    it("says why a side has no plan, and compares an older base's Applications by their sync-wave annotation", () => {
        assert.equal(diffReport("lab", before, { manifests: new Map(), missing: "saif-platform:gpu: not a boolean" }),
            "## Stack `lab`\n\nThe plan of the change failed or the stack was removed: saif-platform:gpu: not a boolean");
        const fresh = diffReport("lab", { manifests: new Map(), missing: "the stack is new" }, after);
        assert.match(fresh, /^## Stack `lab`\n\n_No plan of this stack at the base \(the stack is new\)\._\n\n\*\*4 added, 0 removed, 0 changed\*\*/);
        assert.match(fresh, /\| critical path \(dependsOn gates\) \| - \| `a` → `c` → `b` → `n` \|\n\| time to ready, dependsOn gates \| - \| 1h 02m 05s \|/);
        // Unchanged, but the base is new: still a report, not "No changes".
        assert.ok(!diffReport("lab", { manifests: after.manifests, missing: "the stack is new" }, after).includes("No changes"));

        const older: PlanSnapshot = { manifests: new Map([...before.manifests].filter(([k]) => k !== "Application/openshift-gitops/c")
            .concat([["Application/openshift-gitops/c", app("c", -13)]])) };
        const report = diffReport("lab", older, after);
        assert.match(report, /^## Stack `lab`\n\n_The base's plan wrote no plan\.json \(an older version\): objects are compared, order and times are not\._/);
        assert.match(report, /\| `c` \| changed \| 1 \| -13 → 1 \|/);
        assert.match(report, /\| `gone` \| removed \(its Application is deleted; see its finalizer\) \| - \| 2 → - \|/);
        assert.ok(!report.includes("### Order and wave changes") && !report.includes("### Dependency changes"), "nothing to compare order with");
        assert.ok(!report.includes("### Model cache"), "a base without a model cache name says nothing about it");
        // An Application without a sync-wave annotation (nor plan.json) shows "-".
        const noWave = { manifests: new Map([["Application/openshift-gitops/c", app("c", 1).replace(/ {4}argocd.*\n/, "")]]) };
        assert.match(diffReport("lab", noWave, after), /\| `c` \| changed \| 1 \| - → 1 \|/);
    });

    it("lists a removed dependency, a wave move, and fences a diff that itself holds a code fence", () => {
        const moved: PlanSnapshot = {
            ...after,
            summary: { ...after.summary!, components: after.summary!.components.map((c) => (c.name === "n" ? { ...c, wave: 5, dependsOn: [] } : c)) },
            manifests: new Map([...after.manifests, ["ConfigMap/x/doc", "data:\n  readme: |\n    ```sh\n    ok\n    ```\n"]]),
        };
        const report = diffReport("lab", after, moved);
        assert.match(report, /\| `n` \| - \| `b` \|/);
        assert.match(report, /\| `n` \| 4 → 4 \| 2 → 5 \|/);
        assert.match(report, /<summary>`ConfigMap\/x\/doc` \(added\)<\/summary>\n\n````diff\n[\s\S]*\+    ```sh\n[\s\S]*\n````\n/);
    });

    it("wraps the stacks' sections in one comment the workflow finds again by its marker", () => {
        assert.equal(diffDocument(["## Stack `a`", "## Stack `b`"], "origin/main"), [commentMarker, "# Offline plan diff against `origin/main`",
            "Rendered by `npm run plan:diff` from the program under Pulumi mocks: no cluster, no credentials; secrets show as `[secret]`.",
            "## Stack `a`", "## Stack `b`"].join("\n\n") + "\n");
        assert.equal(commentMarker, "<!-- saif-platform:plan-diff -->");
    });

    it("prints only the sections that have rows, sorts objects and rendered keys, joins several dependencies, and shows '-' for no path", () => {
        const otherOnly: PlanSnapshot = { ...after, manifests: new Map([...after.manifests, ["Namespace//x", "kind: Namespace\n"]]) };
        const r1 = diffReport("lab", after, otherOnly);
        assert.ok(!r1.includes("### Components") && r1.includes("### Diffs"), "no Application changed: no component table");
        const renderedOnly = { ...after, rendered: new Map([["b", new Map([["Deployment/b/b", "replicas: 3\n"]])]]) };
        assert.ok(!diffReport("lab", after, renderedOnly).includes("### Diffs"), "no manifest changed: no diffs section");
        // Several objects changed in an order that is not sorted: the report sorts them.
        const two = (v: string): PlanSnapshot => ({ ...after, manifests: new Map([...after.manifests, ["Secret/z/last", `v: ${v}\n`], ["ConfigMap/a/first", `v: ${v}\n`]]) });
        const sorted = diffReport("lab", two("1"), two("2"));
        assert.ok(sorted.indexOf("`ConfigMap/a/first`") < sorted.indexOf("`Secret/z/last`"));
        // Rendered keys of one component, the removed one named before the added one when it sorts first.
        const rb: PlanSnapshot = { ...after, rendered: new Map([["b", new Map([["z/last", "a\n"]])]]) };
        const ra: PlanSnapshot = { ...after, rendered: new Map([["b", new Map([["a/first", "b\n"]])]]) };
        const rr = diffReport("lab", rb, ra);
        assert.ok(rr.indexOf("`b`: `a/first` (added)") < rr.indexOf("`b`: `z/last` (removed)"), rr);
        // A component that gains two dependencies and loses two; two rewired components are two rows.
        assert.match(diffReport("lab", deps(["a", "b"]), deps(["c", "e"])), /\| `n` \| `c`, `e` \| `a`, `b` \|/);
        const bOnlyA = { ...deps(["a"]), summary: { ...deps(["a"]).summary!, components: deps(["a"]).summary!.components.map((c) => (c.name === "b" ? { ...c, dependsOn: ["a"] } : c)) } };
        assert.match(diffReport("lab", after, bOnlyA), /\| added \| removed \|\n\|---\|---\|---\|\n\| `b` \| - \| `c` \|\n\| `n` \| `a` \| `b` \|\n\n/);
        // No critical path on a side: "-".
        const noPath = { ...after, summary: { ...after.summary!, criticalPath: { gated: [], waves: [] } } };
        assert.match(diffReport("lab", noPath, deps(["a"])), /\| critical path \(dependsOn gates\) \| - \| `a` → `c` → `b` → `n` \|/);
    });

    it("tells components apart by their Applications only, and counts every kind of change in its header", () => {
        // A Namespace labelled with a component is not that component's Application.
        const labelled: PlanSnapshot = { ...after, manifests: new Map([...after.manifests, ["Namespace//n", "metadata:\n  labels:\n    saif.io/component: n-ns\n"]]) };
        assert.match(diffReport("lab", after, labelled), /\*\*No Application changes; 0 rendered objects change\*\*; 1 other objects differ;/);
        // An Application whose component the summary does not list: its tier is "-".
        const ghost: PlanSnapshot = { ...after, manifests: new Map([...after.manifests, ["Application/openshift-gitops/ghost", app("ghost", 7)]]) };
        assert.match(diffReport("lab", after, ghost), /\| `ghost` \| added \| - \| - → 7 \|/);
        // Changed while the summary does not list it: tier "-", waves from the annotations.
        const ghost2: PlanSnapshot = { ...ghost, manifests: new Map([...ghost.manifests, ["Application/openshift-gitops/ghost", app("ghost", 8)]]) };
        assert.match(diffReport("lab", ghost, ghost2), /\| `ghost` \| changed \| - \| 7 → 8 \|/);
        // One Application added with one change of each other kind: never "No changes", and each count is right.
        const plusApp = (s: PlanSnapshot): PlanSnapshot => ({ ...s, manifests: new Map([...s.manifests, ["Application/openshift-gitops/extra", app("extra", 3)]]) });
        const variants: [string, PlanSnapshot, PlanSnapshot][] = [
            ["removed", { ...after, manifests: new Map([...after.manifests, ["Application/openshift-gitops/old", app("old", 1)]]) }, after],
            ["changed", after, { ...after, manifests: new Map([...after.manifests, ["Application/openshift-gitops/a", app("a", 0, "v9")]]) }],
            ["other changed", after, { ...after, manifests: new Map([...after.manifests, ["Namespace//x", "kind: Namespace\n"]]) }],
            ["other added", after, { ...after, manifests: new Map([...after.manifests, ["ConfigMap/x/new", "v: 1\n"]]) }],
            ["other removed", { ...after, manifests: new Map([...after.manifests, ["ConfigMap/x/gone", "v: 1\n"]]) }, after],
            ["moved", after, { ...after, summary: { ...after.summary!, components: after.summary!.components.map((c) => (c.name === "n" ? { ...c, wave: 9 } : c)) } }],
            ["rewired", after, deps(["a"])],
        ];
        for (const [what, b, a] of variants) {
            const r = diffReport("lab", b, plusApp(a));
            assert.ok(!r.includes("No changes"), what);
            assert.match(r, /^## Stack `lab`\n\n\*\*1 added, /, what);
        }
    });
});
