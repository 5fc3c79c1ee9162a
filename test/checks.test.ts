import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { platformSecrets } from "../components/catalog";
import { controllerServiceAccount, operatorEnv, renderArgoCdInstance, renderSubscription } from "../lib/argocdInstance";
import { checkKeyPair, checkSealingCert } from "../lib/certs";
import { applicationGate, canonicalJson, gateValueProblem, isCommit, sourceFingerprint } from "../lib/gates";
import { healthChecks } from "../lib/health";
import { fullImageName, idmsPatches, mirrorsFor } from "../lib/mirrors";
import { namespacePlan } from "../lib/namespaces";
import { componentWrites, controllerMayWrite, defaultRoleAllows, extraControllerRules, kindInfo, kinds, managedNamespaces } from "../lib/rights";
import { objectKey } from "../lib/objectKey";
import { channelProblem } from "../lib/olm";
import { patchProblems } from "../lib/patches";
import { ConfigProblems, quoteList, show } from "../lib/problems";
import { sealerFor } from "../lib/seal";
import { sealedSecretFile } from "../lib/sealedFiles";
import { masked, maskSecrets, plainContains, resourceSig, secretSig, specialSigKey } from "../lib/secretMask";
import { parseFleetConfig } from "../stacks/fleetConfig";
import { parseClusterConfig } from "../stacks/parse";
import { makeKeyPair } from "./keys";
import { minimalRaw, root } from "./helpers";
import { openSealedSecret } from "./unseal";

/** The small pure checks behind the error lines and files users read, each on the inputs that tell its cases apart. */
describe("small pure checks (what each one tells the user)", () => {
    it("olm: accepts the channels each known package publishes, refuses its neighbours, in one line naming the pattern", () => {
        const ok: [string, string][] = [
            ["nfd", "stable"], ["gpu-operator-certified", "stable"], ["gpu-operator-certified", "v25.3"], ["gpu-operator-certified", "v24.10"],
            ["lvms-operator", "stable-4.12"], ["lvms-operator", "stable-4.19"], ["lvms-operator", "stable-4.20"],
            ["openshift-gitops-operator", "latest"], ["openshift-gitops-operator", "gitops-1.5"], ["openshift-gitops-operator", "gitops-1.16"],
            ["some-other-package", "anything"],
        ];
        for (const [pkg, channel] of ok) assert.equal(channelProblem(pkg, channel), undefined, `${pkg} ${channel}`);
        const refused: [string, string][] = [
            ["nfd", "stable-4.18"], ["nfd", "xstable"], ["gpu-operator-certified", "v23.9"], ["gpu-operator-certified", "v25.100"],
            ["gpu-operator-certified", "xv25.3"], ["gpu-operator-certified", "v25.3x"], ["gpu-operator-certified", "v25.x"],
            ["lvms-operator", "stable-4.11"], ["lvms-operator", "stable-4.2x"], ["lvms-operator", "xstable-4.18"], ["lvms-operator", "stable-4.18x"],
            ["openshift-gitops-operator", "gitops-1.100"], ["openshift-gitops-operator", "xlatest"], ["openshift-gitops-operator", "latestx"],
            ["openshift-gitops-operator", "gitops-1.x"],
        ];
        for (const [pkg, channel] of refused) assert.notEqual(channelProblem(pkg, channel), undefined, `${pkg} ${channel}`);
        assert.equal(channelProblem("gpu-operator-certified", "v23.9"),
            'channel "v23.9" is not one package gpu-operator-certified publishes (^(stable|v2[4-9]\\.\\d{1,2})$); OLM would never resolve it');
    });

    it("patches: names what Kustomize would refuse in a kustomize.patches entry, one line each", () => {
        const lines = (patch?: string, p?: string) => patchProblems({ ...(patch === undefined ? {} : { patch }), ...(p === undefined ? {} : { path: p }) });
        assert.deepEqual(lines(), ["has neither patch nor path; give the patch inline (patch) or a file next to kustomization.yaml (path)"]);
        assert.deepEqual(lines(undefined, "patch.yaml"), []);
        assert.deepEqual(lines("a: ["), [".patch is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 5"]);
        assert.deepEqual(lines("42"), [".patch is neither a list of JSON patch operations nor a strategic-merge patch (a mapping)"]);
        assert.deepEqual(lines(""), [".patch is neither a list of JSON patch operations nor a strategic-merge patch (a mapping)"]);
        assert.deepEqual(lines("kind: ClusterPolicy\nspec: {driver: {enabled: false}}"), []);
        assert.deepEqual(lines("- {op: replace, path: /spec/driver/enabled, value: false}"), []);
        assert.deepEqual(lines("- {op: bogus, path: /a}"), [".patch[0]: op is not one of add, remove, replace, move, copy, test"]);
        assert.deepEqual(lines("- {op: add, path: a, value: 1}"), [".patch[0]: path is not a JSON pointer (it starts with /)"]);
        assert.deepEqual(lines("- {op: move, path: /a}"), [".patch[0]: a move or copy needs from"]);
        assert.deepEqual(lines("- {op: add, path: /a}"), [".patch[0]: an add, replace or test needs value"]);
        assert.deepEqual(lines("- 1"), [".patch[0]: an operation is a mapping of op, path and value"]);
        assert.deepEqual(lines("- {op: add, path: /a, value: 1}\n- {op: copy, from: /a}"), [".patch[1]: path is not a JSON pointer (it starts with /)"]);
    });

    it("certs: a certificate is usable through its notAfter second, and a key that is not PEM is named without echoing it", () => {
        const pair = makeKeyPair({ notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z") });
        const end = new Date(new X509Certificate(pair.certPem).validTo);
        assert.equal(end.toISOString(), "2027-01-01T00:00:00.000Z");
        assert.equal(checkSealingCert(pair.certPem, end), undefined, "valid at its notAfter (RFC 5280: the validity period is inclusive)");
        assert.equal(checkSealingCert(pair.certPem, new Date(end.getTime() + 1000)),
            'expired on Jan  1 00:00:00 2027 GMT; renew the fleet key (see "Key rotation" in docs/reference.md)');
        const now = new Date("2026-06-01T00:00:00Z");
        assert.equal(checkKeyPair(pair.privateKeyPem, pair.certPem, now), undefined);
        assert.equal(checkKeyPair("SENTINEL-NOT-A-KEY", pair.certPem, now), "sealingKey is not a PEM private key; give the key that belongs to this certificate");
        assert.equal(checkKeyPair(makeKeyPair().privateKeyPem, pair.certPem, now), "the certificate does not match sealingKey; give the certificate made from this key");
        assert.equal(checkKeyPair(pair.privateKeyPem, "not a certificate", now), "is not a PEM certificate; give the fleet's certificate (tls.crt of the sealing key Secret)");
        assert.equal(checkSealingCert(readFileSync(path.join(root, "test/fixtures/ec-cert.pem"), "utf8"), now), "is a ec certificate; Sealed Secrets needs an RSA certificate");
    });

    it("problems: echoes a value cut to a readable length, and names the error class the CLI recognises", () => {
        assert.equal(show("x".repeat(80)), JSON.stringify("x".repeat(80)));
        assert.equal(show("x".repeat(81)), JSON.stringify(`${"x".repeat(77)}...`));
        assert.equal(show(undefined), "nothing");
        assert.equal(show(null), "null");
        const sixty = { k: "v".repeat(52) };
        assert.equal(JSON.stringify(sixty).length, 60);
        assert.equal(show(sixty), JSON.stringify(sixty));
        assert.equal(show({ k: "v".repeat(53) }), `${JSON.stringify({ k: "v".repeat(53) }).slice(0, 57)}...`);
        assert.equal(quoteList(["a", "b"]), '"a", "b"');
        assert.equal(quoteList([1, 2, true]), "1, 2, true");
        const e = new ConfigProblems(["one", "two"]);
        assert.equal(e.name, "ConfigProblems");
        assert.equal(e.message, "one\ntwo");
        assert.equal(String(e), "ConfigProblems: one\ntwo");
    });

    it("gates: the fingerprint reads keys in sorted order at every depth, and the gate refuses what the provider's JSONPath cannot carry", () => {
        assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }, 3], u: undefined, c: "x", B: null }), '{"B":null,"a":[{"c":2,"d":1},3],"b":1,"c":"x"}');
        // Many keys in reverse order (a large Helm values block): sorted all the same.
        const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${String(79 - i).padStart(2, "0")}`, i]));
        assert.deepEqual(Object.keys(JSON.parse(canonicalJson(many)) as object), Array.from({ length: 80 }, (_, i) => `k${String(i).padStart(2, "0")}`));
        const a = { repoURL: "https://g/r.git", targetRevision: "main", path: "apps/x", kustomize: { patches: [{ patch: "p", target: { kind: "K", name: "n" } }] } };
        const b = { path: "apps/x", kustomize: { patches: [{ target: { name: "n", kind: "K" }, patch: "p" }] }, targetRevision: "main", repoURL: "https://g/r.git" };
        assert.equal(sourceFingerprint(a), sourceFingerprint(b), "key order does not matter");
        assert.match(sourceFingerprint(a), /^[0-9a-f]{16}$/);
        assert.notEqual(sourceFingerprint(a), sourceFingerprint({ ...a, kustomize: { patches: [{ patch: "q", target: { kind: "K", name: "n" } }] } }));
        const sha = "0123456789abcdef0123456789abcdef01234567";
        assert.ok(isCommit(sha));
        for (const notSha of [`${sha}8`, `x${sha}`, sha.slice(1), sha.toUpperCase(), "main"]) assert.ok(!isCommit(notSha), notSha);
        assert.equal(gateValueProblem(""), "must not be empty");
        assert.equal(gateValueProblem("a b"), "must not contain white space");
        assert.equal(gateValueProblem("a=b"), 'must not contain "=" (Pulumi\'s waitFor gate could not name it)');
        assert.equal(gateValueProblem("main"), undefined);
        assert.deepEqual(applicationGate({ ...a, targetRevision: sha }).slice(4, 5), [`jsonpath={.status.sync.revision}=${sha}`]);
        for (const [field, value] of [["repoURL", "https://g/r.git?a=b"], ["targetRevision", "release 1"], ["path", ""]] as const) {
            assert.throws(() => applicationGate({ ...a, [field]: value }), (e: Error) => e.message === `cannot gate on ${JSON.stringify(value)}: ${gateValueProblem(value)}`, field);
        }
    });

    it("mirrors: the IDMS and ITMS patches name the seed's mirror sets and give each source registry its own path", () => {
        const entries = mirrorsFor("mirror.lab:5000", ["registry.redhat.io", "nvcr.io"]);
        assert.deepEqual(entries, [{ source: "registry.redhat.io", mirrors: ["mirror.lab:5000/registry.redhat.io"] }, { source: "nvcr.io", mirrors: ["mirror.lab:5000/nvcr.io"] }]);
        assert.deepEqual(["altinity/clickhouse-operator:0.25.6", "busybox", "quay.io/x/y:1", "localhost:5000/z"].map(fullImageName),
            ["docker.io/altinity/clickhouse-operator:0.25.6", "docker.io/library/busybox", "quay.io/x/y:1", "localhost:5000/z"]);
        const patches = idmsPatches("mirror.lab:5000");
        assert.deepEqual(patches.map((p) => p.target), [
            { group: "config.openshift.io", version: "v1", kind: "ImageDigestMirrorSet", name: "saif-platform-mirrors" },
            { group: "config.openshift.io", version: "v1", kind: "ImageTagMirrorSet", name: "saif-platform-mirrors" },
        ]);
        const ops = patches.map((p) => parseYaml(p.patch) as { op: string; path: string; value: { source: string; mirrors: string[] }[] }[]);
        assert.deepEqual(ops.map((o) => [o[0].op, o[0].path]), [["replace", "/spec/imageDigestMirrors"], ["replace", "/spec/imageTagMirrors"]]);
        assert.deepEqual(ops[0][0].value.map((e) => e.source), ["registry.redhat.io", "registry.access.redhat.com", "quay.io", "registry.connect.redhat.com", "nvcr.io", "ghcr.io", "docker.io", "registry.k8s.io"]);
        // No two registries on one path (the first-DNS-label layout put registry.redhat.io, registry.access.redhat.com and registry.k8s.io on <mirror>/registry).
        const paths = ops[0][0].value.map((e) => e.mirrors[0]);
        assert.equal(new Set(paths).size, paths.length);
        assert.deepEqual(ops[1][0].value, ops[0][0].value);
    });

    it("objectKey and secret masking: a patch is its own object; secrets print as [secret], resource references as their URN", () => {
        assert.equal(objectKey("Namespace", undefined, "nim", true), "Namespace (patch)//nim");
        assert.equal(objectKey("Secret", "nim", "ngc"), "Secret/nim/ngc");
        const value = { a: [{ [specialSigKey]: secretSig, value: "SENTINEL" }], p: { [specialSigKey]: resourceSig, urn: "urn:pulumi:x::y::k::p", id: "1" }, n: 1 };
        assert.deepEqual(maskSecrets(value), { a: [masked], p: "urn:pulumi:x::y::k::p", n: 1 });
        assert.equal(masked, "[secret]");
        assert.ok(!plainContains(value, "SENTINEL") && plainContains(value, "urn:pulumi:x::y::k::p"));
        assert.equal(resourceSig, "5cf8f73096256a8f31e491e813e4eb8e", "the SDK's resource reference signature (sdk/nodejs/runtime/rpc.ts)");
    });

    it("sealed files: a header that says what the file is and who opens it, and the labels the template gives the Secret", () => {
        const pair = makeKeyPair();
        const def = platformSecrets.find((s) => s.key === "ngcApiKey")!;
        const f = sealedSecretFile(def, "SENTINEL-NGC", sealerFor(pair.certPem, pair.privateKeyPem));
        assert.equal(f.yaml.split("\n").slice(0, 2).join("\n"), `# SealedSecret for ${def.namespace}/${def.name} (${def.description}).\n` +
            "# Written by saif-platform (pulumi up, or npm run seal); opens only as this namespace/name, with the fleet key.");
        const doc = parseYaml(f.yaml) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
        assert.deepEqual(doc.spec.template.metadata.labels, { "app.kubernetes.io/part-of": "saif-platform", "saif.io/secret": "ngcApiKey" });
        assert.deepEqual(doc, f.object, "the object is what the file holds");
        assert.deepEqual(openSealedSecret(pair.privateKeyPem, f.object as never), { [def.dataKey]: "SENTINEL-NGC" });
        assert.ok(!f.yaml.includes("SENTINEL-NGC"));
    });

    it("fleetConfig: one generation by default; DNS-label names, at least one, none twice; other projects' keys are not its business", () => {
        const parse = (values: Record<string, unknown>) => {
            try {
                return parseFleetConfig({ values, secretKeys: new Set() });
            } catch (e) {
                if (e instanceof ConfigProblems) return e.lines;
                throw e;
            }
        };
        assert.deepEqual(parse({}), { rotation: ["fleet-key"] });
        assert.deepEqual(parse({ "pulumi:tags": { a: "b" }, "saif-platform:gpu": true }), { rotation: ["fleet-key"] });
        assert.deepEqual(parse({ "saif-fleet:rotation": '["k-2025","k2"]' }), { rotation: ["k-2025", "k2"] }, "JSON text from the runtime");
        assert.deepEqual(parse({ "saif-fleet:rotation": ["a", "ok-1", "Key_1", "-a", "a-", "x.y"] }), [
            'saif-fleet:rotation[2]: "Key_1" is not a DNS label; use lowercase letters, digits and "-"',
            'saif-fleet:rotation[3]: "-a" is not a DNS label; use lowercase letters, digits and "-"',
            'saif-fleet:rotation[4]: "a-" is not a DNS label; use lowercase letters, digits and "-"',
            'saif-fleet:rotation[5]: "x.y" is not a DNS label; use lowercase letters, digits and "-"',
        ]);
        assert.deepEqual(parse({ "saif-fleet:rotation": [] }), ["saif-fleet:rotation: [] is below the minimum of 1"]);
        assert.deepEqual(parse({ "saif-fleet:rotation": ["a", "a"], "saif-fleet:other": 1 }), [
            "saif-fleet:other: unknown config key; the fleet stack takes only saif-fleet:rotation",
            'saif-fleet:rotation: ["a","a"] names a generation twice; each generation is one key',
        ]);
        assert.ok(Object.isFrozen(parse({})) && Object.isFrozen((parse({}) as { rotation: string[] }).rotation));
    });
});

describe("the namespace registry (pure): who creates, who patches, labels and protection", () => {
    const base = parseClusterConfig(minimalRaw());
    const managed = (ns: string) => ({ "argocd.argoproj.io/managed-by": ns });
    const row = (name: string, mode: "create" | "patch", labels: Record<string, string>, protect: boolean, usedBy: string[]) => ({ name, mode, labels, protect, usedBy });

    it("openshift-gitops: the operator's namespace is ours, the instance's and the secrets' namespaces are patched, the key's protected", () => {
        assert.deepEqual(namespacePlan(base), [
            row("openshift-gitops-operator", "create", { "openshift.io/cluster-monitoring": "true" }, false, ["argo cd: operator"]),
            row("openshift-gitops", "patch", {}, false, ["argo cd: instance"]),
            row("sealed-secrets", "patch", managed("openshift-gitops"), true, ["sealed secrets key"]),
            // The SealedSecrets of sealed-secrets land outside its own namespace; sealed-secrets-gpu's land in its own (nim).
            row("splunk-otel", "patch", managed("openshift-gitops"), false, ["sealed-secrets: sealed secrets"]),
            row("hubble-timescape", "patch", managed("openshift-gitops"), false, ["sealed-secrets: sealed secrets"]),
            row("intersight-otel", "patch", managed("openshift-gitops"), false, ["sealed-secrets: sealed secrets"]),
        ]);
    });

    it("helm with cert-manager: cert-manager's namespace is a patch (Red Hat's cert-manager operator may have made it); hubble-timescape gets the UI certificate, Argo CD's server none", () => {
        const helm = { ...base, argocd: { ...base.argocd, flavor: "helm" as const, namespace: "argocd" }, certManager: { ...base.certManager, enabled: true } };
        assert.deepEqual(namespacePlan(helm), [
            row("argocd", "create", {}, false, ["argo cd: helm release"]),
            row("sealed-secrets", "patch", managed("argocd"), true, ["sealed secrets key"]),
            row("splunk-otel", "patch", managed("argocd"), false, ["sealed-secrets: sealed secrets"]),
            row("hubble-timescape", "patch", managed("argocd"), false, ["sealed-secrets: sealed secrets", "certificates: hubble-timescape-ui"]),
            row("intersight-otel", "patch", managed("argocd"), false, ["sealed-secrets: sealed secrets"]),
            row("cert-manager", "patch", {}, false, ["cert-manager"]),
        ]);
    });

    it("existing Argo CD with direct Secrets: every consumer namespace, labels merged, protection kept, each user named once", () => {
        const direct = {
            ...base, argocd: { ...base.argocd, flavor: "existing" as const }, secretDelivery: { ...base.secretDelivery, directSecrets: true },
            certManager: { ...base.certManager, enabled: true }, components: base.components.filter((c) => c.name !== "hubble-timescape"),
        };
        assert.deepEqual(namespacePlan(direct), [
            row("sealed-secrets", "patch", managed("openshift-gitops"), true, ["sealed secrets key"]),
            row("splunk-otel", "patch", managed("openshift-gitops"), false, ["sealed-secrets: sealed secrets", "secrets: splunkHecToken"]),
            row("hubble-timescape", "patch", managed("openshift-gitops"), false, ["sealed-secrets: sealed secrets", "secrets: timescapePushApiPassword"]),
            row("intersight-otel", "patch", managed("openshift-gitops"), false, ["sealed-secrets: sealed secrets", "secrets: intersightApiKey", "secrets: intersightKeyId", "secrets: splunkHecTokenIntersight"]),
            row("cert-manager", "patch", {}, false, ["cert-manager"]),
            row("openshift-gitops", "patch", {}, false, ["secrets: registryPullSecret"]),
            row("nim", "patch", managed("openshift-gitops"), false, ["secrets: ngcApiKey", "secrets: ngcPullSecret"]),
        ]);
        // The key's namespace shared with the operator's: labels merged, a patch, and protected.
        const shared = { ...base, sealedSecrets: { ...base.sealedSecrets, namespace: "openshift-gitops-operator" } };
        assert.deepEqual(namespacePlan(shared)[0], row("openshift-gitops-operator", "patch",
            { "openshift.io/cluster-monitoring": "true", ...managed("openshift-gitops") }, true, ["argo cd: operator", "sealed secrets key"]));
        // A SealedSecret delivered into Argo CD's own namespace by another Application: patched, never labelled managed-by itself.
        const intoArgo = { ...base, secrets: [{ ...base.secrets.find((s) => s.key === "splunkHecToken")!, namespace: "openshift-gitops" }] };
        assert.deepEqual(namespacePlan(intoArgo).find((e) => e.name === "openshift-gitops"), row("openshift-gitops", "patch", {}, false, ["argo cd: instance", "sealed-secrets: sealed secrets"]));
        // Two secrets of one consumer, one namespace: its user is named once.
        const twice = { ...base, secrets: [...base.secrets, { ...base.secrets.find((s) => s.key === "splunkHecToken")!, key: "other", name: "other" }] };
        assert.deepEqual(namespacePlan(twice).find((e) => e.name === "splunk-otel")!.usedBy, ["sealed-secrets: sealed secrets"]);
    });
});

describe("the controller's rights (pure): kinds, the operator's roles, and the ClusterRole the program adds", () => {
    const base = parseClusterConfig(minimalRaw());

    it("names every kind's resource and scope as the API server does (Kubernetes' OpenAPI paths, the vendored CRDs)", () => {
        const builtIn = (JSON.parse(readFileSync(path.join(root, "test/schemas/kubernetes-resources.json"), "utf8")) as
            { resources: { group: string; kind: string; resource: string; namespaced: boolean }[] }).resources;
        const crds = new Map<string, { resource: string; namespaced: boolean }>();
        const dir = path.join(root, "test/schemas");
        for (const file of ["apps.nvidia.com_nimcaches.yaml.gz", "apps.nvidia.com_nimservices.yaml.gz", "cilium.io_tracingpolicies.yaml.gz",
            "clickhouse.altinity.com_clickhouseinstallations.yaml.gz", "config.openshift.io_imagedigestmirrorsets.yaml.gz",
            "config.openshift.io_imagetagmirrorsets.yaml.gz", "lvm.topolvm.io_lvmclusters.yaml.gz", "nfd.openshift.io_nodefeaturediscoveries.yaml.gz",
            "nvidia.com_clusterpolicies.yaml.gz", "operators.coreos.com_catalogsources.yaml.gz", "operators.coreos.com_operatorgroups.yaml.gz",
            "operators.coreos.com_subscriptions.yaml.gz", "security.openshift.io_securitycontextconstraints.yaml.gz", "sealedsecret-crd.yaml",
            "cilium.io_ciliumconfigs.yaml"]) {
            const raw = readFileSync(path.join(dir, file));
            for (const doc of parseAllDocuments((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"))) {
                const crd = doc.toJS() as { spec?: { group: string; scope: string; names: { kind: string; plural: string } } };
                if (crd?.spec?.names) crds.set(`${crd.spec.group}/${crd.spec.names.kind}`, { resource: crd.spec.names.plural, namespaced: crd.spec.scope === "Namespaced" });
            }
        }
        // Not vendored: OpenShift's Route (an aggregated API, routes.route.openshift.io) and cert-manager's CRDs.
        const unverified = new Set(["route.openshift.io/Route", "cert-manager.io/Certificate", "cert-manager.io/Issuer"]);
        let checked = 0;
        for (const k of kinds) {
            const ref = `${k.group}/${k.kind}`;
            const real = crds.get(ref) ?? builtIn.find((b) => b.group === k.group && b.kind === k.kind);
            if (unverified.has(ref)) continue;
            assert.ok(real, `${ref}: found in neither source`);
            assert.deepEqual({ resource: k.resource, namespaced: k.namespaced }, { resource: real.resource, namespaced: real.namespaced }, ref);
            checked++;
        }
        assert.equal(checked, kinds.length - unverified.size);
        assert.deepEqual(kinds.filter((k) => unverified.has(`${k.group}/${k.kind}`)).map((k) => [k.resource, k.namespaced]), [["routes", true], ["certificates", true], ["issuers", true]]);
    });

    it("reads a component's writes as group/Kind, and refuses a kind it does not know in one line", () => {
        assert.deepEqual(kindInfo("Secret"), { group: "", kind: "Secret", resource: "secrets", namespaced: true });
        assert.deepEqual(kindInfo("apps.nvidia.com/NIMCache"), { group: "apps.nvidia.com", kind: "NIMCache", resource: "nimcaches", namespaced: true });
        assert.throws(() => kindInfo("example.com/Widget"), /^Error: unknown kind example\.com\/Widget: add it to lib\/rights\.ts kinds$/);
        assert.throws(() => kindInfo("apps/Secret"), /unknown kind apps\/Secret/);
    });

    it("knows what the operator's cluster-config role and an admin Role in a managed namespace already allow", () => {
        const allowed = kinds.filter(defaultRoleAllows).map((k) => `${k.group}/${k.kind}`);
        assert.deepEqual(allowed, ["/Namespace", "/ConfigMap", "/PersistentVolumeClaim", "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/RoleBinding",
            "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding", "storage.k8s.io/StorageClass",
            "config.openshift.io/ImageDigestMirrorSet", "config.openshift.io/ImageTagMirrorSet", "operators.coreos.com/CatalogSource",
            "operators.coreos.com/OperatorGroup", "operators.coreos.com/Subscription"]);
        const managed = new Set(["nim"]);
        const k = (ref: string) => kindInfo(ref);
        assert.ok(controllerMayWrite(k("apps/Deployment"), "nim", managed, []), "admin Role in a managed namespace");
        assert.ok(!controllerMayWrite(k("apps/Deployment"), "other", managed, []), "not outside it");
        assert.ok(!controllerMayWrite(k("apps/Deployment"), undefined, managed, []));
        assert.ok(controllerMayWrite(k("Secret"), "nim", managed, []));
        assert.ok(!controllerMayWrite(k("apps.nvidia.com/NIMService"), "nim", managed, []), "custom kinds are not in admin");
        assert.ok(controllerMayWrite(k("apps.nvidia.com/NIMService"), "nim", managed, [{ apiGroups: ["apps.nvidia.com"], resources: ["nimservices"], verbs: ["*"] }]));
        assert.ok(!controllerMayWrite(k("apps.nvidia.com/NIMService"), "nim", managed, [{ apiGroups: ["apps.nvidia.com"], resources: ["nimcaches"], verbs: ["*"] }]));
        assert.ok(!controllerMayWrite(k("apps.nvidia.com/NIMService"), "nim", managed, [{ apiGroups: ["nvidia.com"], resources: ["nimservices"], verbs: ["*"] }]));
        assert.ok(!controllerMayWrite(k("security.openshift.io/SecurityContextConstraints"), undefined, managed, []));
    });

    it("transcribes the operator's cluster-config rules and the admin Role's groups, kind by kind, beyond the kinds we write today", () => {
        // redhat-developer/gitops-operator controllers/argocd/openshift/openshift.go policyRulesForClusterConfig
        // @ 5a448d94d11e: write ("*") on these groups, and on these core resources.
        const any = (group: string, resource = "things", namespaced = true) => ({ group, kind: "Thing", resource, namespaced });
        for (const g of ["operators.coreos.com", "operator.openshift.io", "user.openshift.io", "config.openshift.io", "console.openshift.io",
            "rbac.authorization.k8s.io", "storage.k8s.io", "machine.openshift.io", "machineconfiguration.openshift.io"]) assert.ok(defaultRoleAllows(any(g)), g);
        for (const r of ["namespaces", "persistentvolumeclaims", "persistentvolumes", "configmaps"]) assert.ok(defaultRoleAllows(any("", r)), r);
        for (const r of ["secrets", "services", "serviceaccounts"]) assert.ok(!defaultRoleAllows(any("", r)), r);
        for (const g of ["apps", "batch", "security.openshift.io", "route.openshift.io", "compliance.openshift.io"]) assert.ok(!defaultRoleAllows(any(g)), g);
        // The admin ClusterRole's groups, in a namespace labelled managed-by (openshift.go ReconcilerHook, *rbacv1.Role).
        const managed = new Set(["ns"]);
        for (const g of ["", "apps", "batch", "autoscaling", "networking.k8s.io", "policy", "route.openshift.io", "rbac.authorization.k8s.io"]) {
            assert.ok(controllerMayWrite(any(g, "things"), "ns", managed, []), g || "core");
            assert.ok(g === "rbac.authorization.k8s.io" || !controllerMayWrite(any(g, "things"), "other", managed, []), `${g || "core"} outside`);
        }
        assert.ok(!controllerMayWrite(any("example.com"), "ns", managed, []));
        assert.ok(!defaultRoleAllows(any("example.com", "configmaps")), "a core resource name in another group is not core");
        assert.ok(!controllerMayWrite(any("example.com", "things", false), "ns", managed, []), "a cluster-scoped kind, even with a namespace given");
        // Of an admin group, in a managed namespace: the namespace's Role still cannot grant a cluster-scoped kind.
        assert.ok(!controllerMayWrite(any("apps", "things", false), "ns", managed, []), "a cluster-scoped kind of an admin group, a managed namespace given");
        assert.ok(!controllerMayWrite(any("apps", "things", false), undefined, managed, []), "a cluster-scoped kind gets nothing from a namespace's Role");
    });

    it("adds exactly the rules the writes need beyond those roles, one per group in group order, resources sorted", () => {
        const managed = managedNamespaces(base, namespacePlan(base));
        assert.deepEqual([...managed], ["openshift-gitops", "sealed-secrets", "nim", "openshift-nfd", "nvidia-gpu-operator", "openshift-storage",
            "clickhouse-operator", "tetragon", "hubble-timescape", "nim-operator", "splunk-otel", "intersight-otel"]);
        const rule = (group: string, ...resources: string[]) => ({ apiGroups: [group], resources, verbs: ["*"] });
        assert.deepEqual(extraControllerRules(componentWrites(base), managed), [
            rule("admissionregistration.k8s.io", "validatingwebhookconfigurations"), rule("apiextensions.k8s.io", "customresourcedefinitions"),
            rule("apps.nvidia.com", "nimcaches", "nimservices"), rule("bitnami.com", "sealedsecrets"), rule("cert-manager.io", "certificates", "issuers"),
            rule("cilium.io", "ciliumconfigs", "tracingpolicies"), rule("clickhouse.altinity.com", "clickhouseinstallations"), rule("lvm.topolvm.io", "lvmclusters"),
            rule("nfd.openshift.io", "nodefeaturediscoveries"), rule("nvidia.com", "clusterpolicies"), rule("security.openshift.io", "securitycontextconstraints"),
        ]);
        // A Deployment outside every managed namespace needs its own rule; inside one it needs none.
        const deploy = (namespace: string) => ({ component: "x", kind: kindInfo("apps/Deployment"), namespace });
        assert.deepEqual(extraControllerRules([deploy("nim"), deploy("elsewhere"), deploy("elsewhere")], managed), [rule("apps", "deployments")]);
        assert.deepEqual(extraControllerRules([deploy("nim")], managed), []);
        const statefulSet = { component: "x", kind: kindInfo("apps/StatefulSet"), namespace: "elsewhere" };
        assert.deepEqual(extraControllerRules([statefulSet, deploy("elsewhere")], managed), [rule("apps", "deployments", "statefulsets")]);
        // Only namespaces labelled for this instance are managed by it.
        const other = [...namespacePlan(base), { name: "theirs", mode: "patch" as const, labels: { "argocd.argoproj.io/managed-by": "other-argo" }, protect: false, usedBy: [] }];
        assert.ok(!managedNamespaces(base, other).has("theirs"));
        // A namespace no component creates, labelled for this instance, is managed too.
        const ours = [...namespacePlan(base), { name: "ours", mode: "patch" as const, labels: { "argocd.argoproj.io/managed-by": base.argocd.namespace }, protect: false, usedBy: [] }];
        assert.ok(managedNamespaces(base, ours).has("ours"));
    });

    it("puts a SealedSecret's write where its Secret lives, a cluster-scoped write nowhere, the rest in the component's namespace", () => {
        const writes = componentWrites(base).filter((w) => w.component.startsWith("sealed-secrets")).map((w) => `${w.component} ${w.kind.kind} ${w.namespace ?? "-"}`);
        assert.deepEqual(writes, [
            "sealed-secrets-controller Namespace -", "sealed-secrets-controller ServiceAccount sealed-secrets", "sealed-secrets-controller Deployment sealed-secrets",
            "sealed-secrets-controller Service sealed-secrets", "sealed-secrets-controller Role sealed-secrets", "sealed-secrets-controller RoleBinding sealed-secrets",
            "sealed-secrets-controller ClusterRole -", "sealed-secrets-controller ClusterRoleBinding -", "sealed-secrets-controller CustomResourceDefinition -",
            "sealed-secrets SealedSecret splunk-otel", "sealed-secrets SealedSecret hubble-timescape", "sealed-secrets SealedSecret intersight-otel", "sealed-secrets SealedSecret intersight-otel", "sealed-secrets SealedSecret intersight-otel",
            "sealed-secrets-gpu Namespace -", "sealed-secrets-gpu SealedSecret nim", "sealed-secrets-gpu SealedSecret nim",
        ]);
        const noNamespace = { ...base, components: base.components.map((c) => (c.name === "nim-llm" ? { ...c, namespace: undefined } : c)) };
        assert.ok(componentWrites(noNamespace).filter((w) => w.component === "nim-llm").every((w) => !("namespace" in w)));
    });
});

describe("the owned Argo CD instance and its Subscription (pure)", () => {
    const base = parseClusterConfig(minimalRaw());

    it("subscribes with the default instance off, the cluster-config namespaces kept, and a gate on the installed CSV", () => {
        const sub = renderSubscription(base, "redhat-operators") as { metadata: { name: string; namespace: string; annotations: Record<string, string> }; spec: Record<string, unknown> };
        assert.deepEqual(sub.metadata, { name: "openshift-gitops-operator", namespace: "openshift-gitops-operator",
            annotations: { "pulumi.com/waitFor": '["jsonpath={.status.installedCSV}","jsonpath={.status.state}=AtLatestKnown"]' } });
        assert.deepEqual(sub.spec, { channel: "gitops-1.18", installPlanApproval: "Automatic", name: "openshift-gitops-operator", source: "redhat-operators",
            sourceNamespace: "openshift-marketplace", config: { env: [{ name: "DISABLE_DEFAULT_ARGOCD_INSTANCE", value: "true" }, { name: "ARGOCD_CLUSTER_CONFIG_NAMESPACES", value: "openshift-gitops" }] } });
        assert.deepEqual(operatorEnv({ ...base, argocd: { ...base.argocd, namespace: "argocd" } })[1], { name: "ARGOCD_CLUSTER_CONFIG_NAMESPACES", value: "openshift-gitops,argocd" });
        assert.equal(controllerServiceAccount, "argocd-argocd-application-controller");
    });

    it("renders what the operator's default instance has (gitops-operator argocd.go NewCR @ 5a448d94d11e), under the program's name, gated on Available", () => {
        const cr = renderArgoCdInstance(base) as unknown as { metadata: Record<string, unknown>; spec: Record<string, Record<string, unknown>> & { resourceExclusions: string } };
        assert.deepEqual(cr.metadata, { name: "argocd", namespace: "openshift-gitops", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "saif-platform" },
            annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Available" } });
        const r = (cpu: string, memory: string, limCpu: string, limMemory: string) => ({ requests: { cpu, memory }, limits: { cpu: limCpu, memory: limMemory } });
        // NewCR's values (1024Mi written 1Gi, 2000m written 2, and so on).
        assert.deepEqual(cr.spec.applicationSet, { resources: r("250m", "512Mi", "2", "1Gi") });
        assert.deepEqual(cr.spec.controller, { resources: r("250m", "1Gi", "2", "2Gi") });
        assert.deepEqual(cr.spec.sso, { provider: "dex", dex: { openShiftOAuth: true, resources: r("250m", "128Mi", "500m", "256Mi") } });
        assert.deepEqual(cr.spec.redis, { resources: r("250m", "128Mi", "500m", "256Mi") });
        assert.deepEqual(cr.spec.repo, { resources: r("250m", "256Mi", "1", "1Gi") });
        assert.deepEqual(cr.spec.server, { route: { enabled: true, tls: { termination: "reencrypt", insecureEdgeTerminationPolicy: "Redirect" } }, resources: r("125m", "128Mi", "500m", "256Mi") });
        assert.deepEqual(cr.spec.rbac, { policy: "g, system:cluster-admins, role:admin\ng, cluster-admins, role:admin\n", scopes: "[groups]", defaultPolicy: "" });
        assert.deepEqual(cr.spec.ha, { enabled: false });
        assert.equal(cr.spec.resourceTrackingMethod, "annotation");
        // NewCR's exclusions, each of them, then OLM's objects.
        const exclusions = parseYaml(cr.spec.resourceExclusions) as { apiGroups: string[]; kinds: string[]; clusters: string[] }[];
        assert.deepEqual(exclusions.map((e) => e.apiGroups.join(",")), [",discovery.k8s.io", "apiregistration.k8s.io", "coordination.k8s.io",
            "authentication.k8s.io,authorization.k8s.io", "certificates.k8s.io", "cert-manager.io", "cilium.io", "kyverno.io,reports.kyverno.io,wgpolicyk8s.io",
            "tekton.dev", "operators.coreos.com"]);
        assert.deepEqual(exclusions.map((e) => e.kinds), [
            ["Endpoints", "EndpointSlice"], ["APIService"], ["Lease"],
            ["SelfSubjectReview", "TokenReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
            ["CertificateSigningRequest"], ["CertificateRequest"], ["CiliumIdentity", "CiliumEndpoint", "CiliumEndpointSlice"],
            ["PolicyReport", "ClusterPolicyReport", "EphemeralReport", "ClusterEphemeralReport", "AdmissionReport", "ClusterAdmissionReport", "BackgroundScanReport", "ClusterBackgroundScanReport", "UpdateRequest"],
            ["TaskRun", "PipelineRun"], ["InstallPlan", "ClusterServiceVersion"],
        ]);
        assert.ok(exclusions.every((e) => e.clusters.length === 1 && e.clusters[0] === "*"));
        const checks = cr.spec.resourceHealthChecks as unknown as { group: string; kind: string; check: string }[];
        assert.deepEqual(checks.map((c) => `${c.group}/${c.kind}`), healthChecks.map((h) => `${h.group}/${h.kind}`));
        assert.ok(checks.every((c, i) => c.check === healthChecks[i].check));
    });
});
