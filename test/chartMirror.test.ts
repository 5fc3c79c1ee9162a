import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { catalog } from "../components/catalog";
import { mirroredChart } from "../lib/chartSource";
import { applicationGate } from "../lib/gates";
import { parseClusterConfig } from "../stacks/parse";
import { crdErrors } from "./crd";
import { minimalRaw, problemLines, root } from "./helpers";
import { applications, find, plain, runStack } from "./mocks";

/** A disconnected site's chart mirror: the Helm components' Applications take their pinned charts from it. */

describe("chart mirror (mirror.chartRepository)", function () {
    this.timeout(60000);

    it("reads a Helm repository or an OCI registry path, on its own or with the image mirror; anything else is one line", () => {
        assert.deepEqual(parseClusterConfig(minimalRaw({ mirror: { chartRepository: "oci://mirror.lab:5000/charts" } })).chartMirror, { repoURL: "mirror.lab:5000/charts", oci: true });
        assert.deepEqual(parseClusterConfig(minimalRaw({ mirror: { chartRepository: "https://charts.mirror.lab/saif" } })).chartMirror, { repoURL: "https://charts.mirror.lab/saif", oci: false });
        assert.equal(parseClusterConfig(minimalRaw()).chartMirror, undefined);
        const lines = (edit: Record<string, unknown>) => problemLines(() => parseClusterConfig(minimalRaw(edit)));
        assert.deepEqual(lines({ mirror: { chartRepository: "ftp://mirror/charts" } }),
            ['saif-platform:mirror.chartRepository: "ftp://mirror/charts" is not a Helm repository (https://...) or an OCI registry path (oci://host/path)']);
        assert.equal(lines({ mirror: { chartRepository: "https://m/c", registry: "m" } }).length, 1, "registry still needs its catalog image");
    });

    it("passes the chart the values the umbrella would: apps/<c>/values.yaml under the dependency's name, then the stack's", () => {
        const umbrella = { dependency: { name: "vector", version: "v0.56.0" }, values: { vector: { role: "Agent", env: [{ name: "A" }] } } };
        assert.deepEqual(mirroredChart(umbrella, { vector: { role: "Aggregator" } }, "m/charts"),
            { repoURL: "m/charts", name: "vector", version: "0.56.0", values: { role: "Aggregator", env: [{ name: "A" }] } });
        // An alias names the values' key.
        assert.deepEqual(mirroredChart({ dependency: { name: "x", version: "1.0.0", alias: "y" }, values: { y: { a: 1 }, x: { a: 2 } } }, undefined, "r").values, { a: 1 });
        assert.deepEqual(mirroredChart({ dependency: { name: "x", version: "1.0.0" }, values: null }, undefined, "r").values, {});
    });

    it("holds no templates in the umbrella charts, so the chart alone with these values renders what the umbrella does", () => {
        for (const c of catalog.filter((x) => x.content === "helm")) {
            assert.deepEqual(readdirSync(path.join(root, c.path)).filter((f) => !["Chart.yaml", "values.yaml"].includes(f)), [], c.path);
        }
    });

    it("gates a chart source on its chart's name, not a path", () => {
        const gate = applicationGate({ repoURL: "mirror.lab:5000/charts", targetRevision: "0.56.0", chart: "vector" });
        assert.equal(gate[2], "jsonpath={.status.sync.comparedTo.source.chart}=vector");
        assert.throws(() => applicationGate({ repoURL: "r", targetRevision: "1", chart: "a=b" }), /cannot gate on "a=b"/);
    });

    it("under mocks: every Helm component's Application takes its chart from the mirror, with its values; the rest read Git", async () => {
        const rec = await runStack("ai-pod-1", { mirror: { chartRepository: "oci://mirror.lab:5000/charts" } });
        assert.equal(rec.error, undefined);
        const apps = applications(rec);
        const helm = ["sealed-secrets-controller", "clickhouse-operator", "hubble-timescape", "vector-exporter", "nim-operator", "splunk-otel", "intersight-otel"];
        for (const name of helm) {
            const app = plain(apps.get(name)!);
            assert.equal(app.spec.source.repoURL, "mirror.lab:5000/charts", name);
            assert.equal(app.spec.source.helm.releaseName, name);
            assert.equal(app.spec.source.path, undefined, name);
            assert.deepEqual(crdErrors("argocd-application-crd-v3.5.1.yaml", "v1alpha1", app), [], name);
            assert.ok(JSON.parse(app.metadata.annotations["pulumi.com/waitFor"] as string).includes(`jsonpath={.status.sync.comparedTo.source.chart}=${app.spec.source.chart as string}`), name);
        }
        const splunk = plain(apps.get("splunk-otel")!).spec.source;
        assert.deepEqual([splunk.chart, splunk.targetRevision], ["splunk-otel-collector", "0.130.0"]);
        // The umbrella's values and the program's site values, unnested.
        assert.equal(splunk.helm.valuesObject.distribution, "openshift");
        assert.equal(splunk.helm.valuesObject.clusterName, "ai-pod-1");
        assert.equal(splunk.helm.valuesObject.splunkPlatform.metricsIndex, "saif_metrics");
        assert.equal(plain(apps.get("nim-operator")!).spec.source.targetRevision, "3.1.2");
        // The stack's own values for a chart reach it too (hubble-timescape's UI address).
        assert.equal(plain(apps.get("hubble-timescape")!).spec.source.helm.valuesObject.ui.service.loadBalancerIP, "10.0.1.80");
        // Kustomize and directory components still read the GitOps repository.
        assert.equal(plain(apps.get("nim-cache")!).spec.source.path, "apps/nim-cache");
        const project = find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject").map(plain).find((p) => p.metadata.name === "saif-platform");
        assert.deepEqual(project.spec.sourceRepos, ["https://github.com/saif-ai-pod/saif-gitops.git", "mirror.lab:5000/charts"]);
    });
});
