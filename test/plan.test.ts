import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { buildPlan, writePlan, writeSnapshot } from "../cli/plan";
import { readSnapshot } from "../cli/diff";
import { expectedDependencies, fixtureStack, requireOrSkip, root, seedTable } from "./helpers";

interface Step {
    op: string;
    urn: string;
    provider?: string;
    newState: { type: string; custom: boolean; parent: string; inputs: Record<string, unknown>; dependencies: string[]; protect: boolean; retainOnDelete: boolean };
}

describe("plan --out (the offline plan's files)", () => {
    let out: string;
    let text: string;
    let snapshotDir: string;
    before(async () => {
        out = mkdtempSync(path.join(tmpdir(), "plan-"));
        snapshotDir = mkdtempSync(path.join(tmpdir(), "snapshot-"));
        const result = await buildPlan(root, "ai-pod-2", fixtureStack("ai-pod-2"));
        text = result.text;
        writePlan(out, result);
        writeSnapshot(snapshotDir, result);
    });
    after(() => {
        rmSync(out, { recursive: true, force: true });
        rmSync(snapshotDir, { recursive: true, force: true });
    });

    it("snapshot.json (plan --stacks --snapshot) reads back as the same plan as the file tree, so an old base diffs against a new head", () => {
        assert.deepEqual(readdirSync(snapshotDir), ["snapshot.json"]);
        const tree = readSnapshot(out);
        const bundle = readSnapshot(snapshotDir);
        assert.ok(tree.manifests.size > 20 && (tree.rendered?.size ?? 0) > 5);
        assert.deepEqual(bundle, tree);
    });

    it("prints the bootstrap before the first component, the table in dependency order, then the critical path and times", () => {
        const lines = text.split("\n");
        const bootstrap = lines.indexOf("Bootstrap (before any component):");
        const header = lines.findIndex((l) => /^#\s+wave\s+declared\s+tier\s+component\s+start\s+ready\s+depends on$/.test(l));
        assert.ok(bootstrap >= 0 && header > bootstrap);
        assert.match(lines[bootstrap + 2], /^ {2}2\. argo cd: OpenShift GitOps operator/);
        assert.match(lines[header + 1], /^1\s+0\s+-10\s+1 platform\s+platform-idms\s+0:00\s+2:00\s+-$/);
        assert.match(text, /\n7\s+2\s+-5\s+1 platform\s+argocd-config\s+3:30\s+3:45\s+sealed-secrets-controller\n/);
        // The model downloads beside the driver build: the cache is on the critical path, the driver is not.
        assert.match(text, /Critical path \(dependsOn gates\): platform-idms -> platform-catalogsources -> lvms-operator -> nim-cache -> nim-llm/);
        assert.match(text, /\n22\s+4\s+2\s+3 nvidia\s+nim-cache\s+11:30\s+32:30\s/);
        assert.match(text, /\n21\s+4\s+1\s+3 nvidia\s+gpu-cluster-policy\s+11:30\s+26:30\s/);
        assert.match(text, /Estimated time to ready: 34m 00s under dependsOn gates, 1h 03m 48s under sync waves \(10 waves\), x1\.88/);
        assert.match(text, /a change of model, tag, profiles, mirror, StorageClass or size replaces the model cache: the model is downloaded again/);
    });

    it("writes preview.json in the shape of pulumi preview --json, with the seed's edges as dependencies", () => {
        const preview = JSON.parse(readFileSync(path.join(out, "preview.json"), "utf8")) as { steps: Step[]; changeSummary: Record<string, number> };
        for (const s of preview.steps) {
            assert.ok(["create", "read", "import"].includes(s.op));
            for (const k of ["type", "custom", "parent", "inputs", "dependencies", "protect", "retainOnDelete"]) assert.ok(k in s.newState, `${s.urn} ${k}`);
        }
        const apps = new Map(preview.steps.filter((s) => s.newState.type === "kubernetes:argoproj.io/v1alpha1:Application" && s.newState.parent.includes("Tier"))
            .map((s) => [s.urn.split("::").pop()!, s]));
        assert.equal(apps.size, 24);
        for (const row of seedTable()) {
            const deps = apps.get(row.name)!.newState.dependencies.map((u) => u.split("::").pop()!).filter((n) => apps.has(n));
            assert.deepEqual(deps.sort(), expectedDependencies(row), row.name);
        }
        // URNs as the engine builds them (deployment.go generateURN): no Stack in a child's type chain, the parent's
        // whole qualified type, and every reference (parent, dependencies, provider) in the same form.
        const nimLlm = apps.get("nim-llm")!;
        assert.equal(nimLlm.urn, "urn:pulumi:ai-pod-2::saif-platform::saif:tiers:Tier$kubernetes:argoproj.io/v1alpha1:Application::nim-llm");
        assert.equal(nimLlm.newState.parent, "urn:pulumi:ai-pod-2::saif-platform::saif:tiers:Tier::tier-3-nvidia");
        const all = new Set(preview.steps.map((s) => s.urn));
        for (const s of preview.steps) {
            assert.ok(!s.urn.includes("pulumi:pulumi:Stack$"), s.urn);
            for (const d of s.newState.dependencies) assert.ok(all.has(d), `${s.urn} -> ${d}`);
            if (s.provider) assert.ok(all.has(s.provider.slice(0, s.provider.lastIndexOf("::"))), `${s.urn} provider ${s.provider}`);
        }
        assert.equal(nimLlm.provider, "urn:pulumi:ai-pod-2::saif-platform::pulumi:providers:kubernetes::cluster::cluster-id");
        const key = preview.steps.find((s) => s.urn.endsWith("::sealed-secrets-key-fleet-key"))!;
        assert.equal(key.newState.inputs.stringData, "[secret]");
        assert.ok(key.newState.protect && key.newState.retainOnDelete);
        assert.equal(preview.changeSummary.create + preview.changeSummary.read, preview.steps.length);
    });

    it("writes the rendered content beside the plan: a folder per component, objects in apply order, charts listed", function () {
        const dir = path.join(out, "rendered");
        requireOrSkip(this, existsSync(dir), "the plan wrote no rendered/ folder (kubectl not on PATH)");
        const components = readdirSync(dir).sort();
        assert.ok(components.includes("nim-cache") && components.includes("splunk-otel"));
        assert.deepEqual(readdirSync(path.join(dir, "lvms-operator")), ["001-operatorgroup-openshift-storage-openshift-storage-operatorgroup.yaml",
            "002-subscription-openshift-storage-lvms-operator.yaml", "003-lvmcluster-openshift-storage-lvmcluster.yaml"]);
        const chart = parseYaml(readFileSync(path.join(dir, "splunk-otel", "chart.yaml"), "utf8")) as { chart: string; version: string };
        assert.deepEqual([chart.chart, chart.version], ["splunk-otel-collector", "0.130.0"]);
    });

    it("writes one manifest per Kubernetes object, numbered so that every dependency sorts first", () => {
        const files = readdirSync(path.join(out, "manifests")).sort();
        const position = new Map<string, number>();
        const docs = files.map((f, i) => {
            const doc = parseYaml(readFileSync(path.join(out, "manifests", f), "utf8")) as { kind: string; metadata: { name: string } };
            if (doc.kind === "Application") position.set(doc.metadata.name, i);
            return doc;
        });
        assert.equal(docs.filter((d) => d.kind === "Application").length, 25);
        // saif-apps waits for no component and none for it: anywhere among them, after the bootstrap objects.
        assert.ok(position.has("saif-apps"));
        for (const row of seedTable()) for (const d of expectedDependencies(row)) assert.ok(position.get(d)! < position.get(row.name)!, `${d} before ${row.name}`);
        // The namespace registry depends on nothing but the provider: a namespace comes first.
        assert.match(files[0], /^001-namespace(-patch)?-[a-z-]+\.yaml$/);
    });
});
