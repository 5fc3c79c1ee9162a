import { strict as assert } from "node:assert";
import { runProgram, type Recording, type Registration } from "../cli/mockrun";
import { fleetProgram } from "../stacks/fleet";
import { plainContains, secretSig, specialSigKey } from "../lib/secretMask";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { crdErrors } from "./crd";
import { root } from "./helpers";
import { makeKeyPair } from "./keys";
import { applications, byUrn, find, plain, runStack } from "./mocks";

const T = {
    ns: "kubernetes:core/v1:Namespace",
    secret: "kubernetes:core/v1:Secret",
    app: "kubernetes:argoproj.io/v1alpha1:Application",
    project: "kubernetes:argoproj.io/v1alpha1:AppProject",
    sub: "kubernetes:operators.coreos.com/v1alpha1:Subscription",
    og: "kubernetes:operators.coreos.com/v1:OperatorGroup",
    argocdPatch: "kubernetes:argoproj.io/v1beta1:ArgoCDPatch",
    argocd: "kubernetes:argoproj.io/v1beta1:ArgoCD",
    nsPatch: "kubernetes:core/v1:NamespacePatch",
    release: "kubernetes:helm.sh/v3:Release",
    idms: "kubernetes:config.openshift.io/v1:ImageDigestMirrorSet",
    catalog: "kubernetes:operators.coreos.com/v1alpha1:CatalogSource",
    role: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    binding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
};

/** The custom resources registered under the bootstrap components, as "type name". */
function bootstrapSet(rec: Recording): string[] {
    const urns = byUrn(rec);
    return rec.registrations
        .filter((r) => r.custom && r.kind === "register" && urns.get(r.parent)?.type.startsWith("saif:bootstrap:"))
        .map((r) => `${r.type.split(":").slice(1).join(":")} ${r.name}`)
        .sort();
}

function one(rec: Recording, type: string, name?: string): Registration {
    const found = find(rec, type, name);
    assert.equal(found.length, 1, `${type} ${name ?? ""}`);
    return found[0];
}

function dependsOn(rec: Recording, r: Registration, other: Registration): boolean {
    // Transitively, as the engine orders them.
    const urns = byUrn(rec);
    const seen = new Set<string>();
    const walk = (x: Registration): boolean => x.dependencies.some((u) => {
        if (u === other.urn) return true;
        if (seen.has(u)) return false;
        seen.add(u);
        const d = urns.get(u);
        return d ? walk(d) : false;
    });
    return walk(r);
}

describe("bootstrap: under Pulumi mocks", () => {
    let gitops: Recording;
    before(async () => {
        gitops = await runStack("ai-pod-1");
    });

    it("openshift-gitops: the operator through OLM, the ArgoCD instance with health checks, and RBAC", () => {
        assert.deepEqual(bootstrapSet(gitops), [
            "argoproj.io/v1alpha1:Application saif-apps",
            "argoproj.io/v1beta1:ArgoCD argocd-instance",
            "core/v1:Namespace ns-openshift-gitops-operator",
            "core/v1:NamespacePatch ns-hubble-timescape",
            "core/v1:NamespacePatch ns-intersight-otel",
            "core/v1:NamespacePatch ns-openshift-gitops",
            "core/v1:NamespacePatch ns-sealed-secrets",
            "core/v1:NamespacePatch ns-splunk-otel",
            "core/v1:Secret sealed-secrets-key-fleet-key",
            "operators.coreos.com/v1:OperatorGroup argocd-operator-group",
            "operators.coreos.com/v1alpha1:Subscription argocd-subscription",
            "rbac.authorization.k8s.io/v1:ClusterRole argocd-platform-role",
            "rbac.authorization.k8s.io/v1:ClusterRoleBinding argocd-platform-binding",
        ]);
        const sub = plain(one(gitops, T.sub));
        assert.equal(sub.metadata.namespace, "openshift-gitops-operator");
        assert.deepEqual(sub.spec, {
            channel: "gitops-1.18", installPlanApproval: "Automatic", name: "openshift-gitops-operator",
            source: "redhat-operators", sourceNamespace: "openshift-marketplace",
            // The operator's own switch: no default instance to race (gitops-operator common/common.go), and ours
            // cluster-scoped (ARGOCD_CLUSTER_CONFIG_NAMESPACES, read by openshift.go allowedNamespace).
            config: { env: [
                { name: "DISABLE_DEFAULT_ARGOCD_INSTANCE", value: "true" },
                { name: "ARGOCD_CLUSTER_CONFIG_NAMESPACES", value: "openshift-gitops" },
            ] },
        });
        assert.match(sub.metadata.annotations["pulumi.com/waitFor"], /installedCSV/);
        assert.deepEqual(crdErrors("operators.coreos.com_subscriptions.yaml.gz", "v1alpha1", sub), []);
        assert.equal(find(gitops, T.argocdPatch).length, 0, "no patch of the operator's instance");
        const instance = plain(one(gitops, T.argocd));
        // Not "openshift-gitops": with the default instance off, the operator deletes an ArgoCD of that name.
        assert.equal(instance.metadata.name, "argocd");
        assert.equal(instance.metadata.namespace, "openshift-gitops");
        assert.equal(instance.metadata.annotations["pulumi.com/waitFor"], "jsonpath={.status.phase}=Available");
        assert.equal(instance.metadata.annotations["pulumi.com/patchForce"], undefined);
        // Complete, as the operator's default one: OpenShift OAuth, the cluster-admins policy, the Route.
        assert.equal(instance.spec.sso.dex.openShiftOAuth, true);
        assert.match(instance.spec.rbac.policy, /g, cluster-admins, role:admin/);
        assert.equal(instance.spec.server.route.enabled, true);
        assert.equal(one(gitops, T.argocd).customTimeouts.create, "30m", "covers operator start-up");
        const checks = instance.spec.resourceHealthChecks.map((h: { group: string; kind: string }) => `${h.group}/${h.kind}`);
        assert.deepEqual(checks.sort(), ["apps.nvidia.com/NIMCache", "apps.nvidia.com/NIMService", "argoproj.io/Application",
            "lvm.topolvm.io/LVMCluster", "nfd.openshift.io/NodeFeatureDiscovery", "nvidia.com/ClusterPolicy", "operators.coreos.com/CatalogSource"]);
        assert.match(instance.spec.resourceHealthChecks[0].check, /obj\.status\.health\.status/);
        assert.deepEqual(crdErrors("argoproj.io_argocds.yaml.gz", "v1beta1", instance), []);
        const binding = plain(one(gitops, T.binding));
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "argocd-argocd-application-controller", namespace: "openshift-gitops" }]);
        // Only what the operator's cluster-config role and the managed namespaces' admin Roles lack.
        const groups = (plain(one(gitops, T.role)).rules as { apiGroups: string[] }[]).flatMap((r) => r.apiGroups).sort();
        for (const g of ["config.openshift.io", "operators.coreos.com", "rbac.authorization.k8s.io", ""]) assert.ok(!groups.includes(g), g);
        for (const g of ["apiextensions.k8s.io", "security.openshift.io", "nvidia.com", "bitnami.com", "admissionregistration.k8s.io"]) assert.ok(groups.includes(g), g);
    });

    it("a non-default Argo CD namespace still gets a cluster-scoped instance", async () => {
        const rec = await runStack("ai-pod-1", { argocd: { flavor: "openshift-gitops", namespace: "gitops" } });
        assert.equal(rec.error, undefined);
        const env = plain(one(rec, T.sub)).spec.config.env as { name: string; value: string }[];
        assert.equal(env.find((e) => e.name === "ARGOCD_CLUSTER_CONFIG_NAMESPACES")!.value, "openshift-gitops,gitops");
        assert.equal(plain(one(rec, T.argocd)).metadata.namespace, "gitops");
        assert.equal(plain(one(rec, T.nsPatch, "ns-gitops")).metadata.name, "gitops");
        // The registry pull-secret and its Application follow Argo CD's namespace.
        assert.equal(plain(applications(rec).get("argocd-config")!).spec.destination.namespace, "gitops");
    });

    it("orders the bootstrap: Argo CD available -> repository access -> key -> Applications and saif-apps, no Application waiting for saif-apps", () => {
        const sub = one(gitops, T.sub);
        const instance = one(gitops, T.argocd);
        const key = one(gitops, T.secret, "sealed-secrets-key-fleet-key");
        const rootApp = find(gitops, T.app, "saif-apps")[0];
        assert.ok(sub.dependencies.includes(one(gitops, T.og).urn));
        assert.ok(instance.dependencies.includes(sub.urn));
        assert.ok(instance.dependencies.includes(one(gitops, T.nsPatch, "ns-openshift-gitops").urn), "the instance's namespace first");
        assert.ok(key.dependencies.includes(instance.urn), "key after Argo CD");
        assert.ok(rootApp.dependencies.includes(key.urn) && rootApp.dependencies.includes(instance.urn), "saif-apps after the key and Argo CD");
        for (const app of applications(gitops).values()) {
            assert.ok(app.dependencies.includes(key.urn) && app.dependencies.includes(instance.urn), `${app.name} after the key and Argo CD`);
            // saif-apps' health rolls up users' Applications: no platform component waits for it.
            assert.ok(!app.dependencies.includes(rootApp.urn), `${app.name} does not wait for saif-apps`);
        }
    });

    it("the fleet key: a labelled kubernetes.io/tls Secret in the controller's namespace, protected, retained, secret", () => {
        const key = one(gitops, T.secret, "sealed-secrets-key-fleet-key");
        const obj = plain(key);
        assert.equal(obj.type, "kubernetes.io/tls");
        assert.equal(obj.metadata.namespace, "sealed-secrets");
        assert.equal(obj.metadata.labels["sealedsecrets.bitnami.com/sealed-secrets-key"], "active");
        assert.equal(key.inputs.stringData && (key.inputs.stringData as Record<string, unknown>)[specialSigKey], secretSig, "stringData is secret");
        assert.ok(key.protect && key.retainOnDelete);
        // A patch: Day 1 or an earlier install may have made it; deleting the patch never deletes the namespace.
        const ns = one(gitops, T.nsPatch, "ns-sealed-secrets");
        assert.ok(ns.protect && ns.retainOnDelete);
        assert.ok(key.dependencies.includes(ns.urn));
        assert.ok(find(gitops, T.app, "saif-apps")[0].retainOnDelete);
        // The controller turns its own key renewal off (the chart's values in this repository, nested under the
        // dependency's name), so clusters keep the one fleet key.
        const controller = plain(applications(gitops).get("sealed-secrets-controller")!);
        const values = parseYaml(readFileSync(path.join(root, "apps/sealed-secrets-controller/values.yaml"), "utf8")) as Record<string, Record<string, unknown>>;
        assert.equal(values["sealed-secrets"].keyrenewperiod, "0");
        assert.equal(controller.spec.source.path, "apps/sealed-secrets-controller");
        assert.equal(controller.spec.destination.namespace, "sealed-secrets");
        for (const r of gitops.registrations) assert.ok(!plainContains(r.inputs, "standin-fleet-private-key"), `${r.type} ${r.name}`);
        assert.ok(!plainContains(gitops.outputs, "standin-fleet-private-key"));
        assert.equal((gitops.outputs as { sealingCert: string }).sealingCert, "standin-fleet-certificate-fleet-key");
    });

    it("adopts the fleet key from secret config, and keeps older generations active on rotation", async () => {
        const pair = makeKeyPair();
        const rec = await runStack("ai-pod-1", { sealedSecrets: { keySource: "config", rotation: ["fleet-key"] } },
            { sealingKey: pair.privateKeyPem, sealingCert: pair.certPem });
        assert.equal(rec.error, undefined);
        const secret = one(rec, T.secret, "sealed-secrets-key-fleet-key");
        assert.ok(secret.protect && secret.retainOnDelete);
        const body = pair.privateKeyPem.split("\n")[1];
        for (const r of rec.registrations) assert.ok(!plainContains(r.inputs, body), `${r.type} ${r.name} leaks the key`);
        assert.ok(!plainContains(rec.outputs, body));
        assert.ok(!rec.logs.join("\n").includes(body));

        const rotated = await runStack("ai-pod-1", { sealedSecrets: { keySource: "stack", rotation: ["fleet-key", "fleet-key-2"] } });
        const keys = find(rotated, T.secret).filter((s) => plain(s).metadata.labels?.["sealedsecrets.bitnami.com/sealed-secrets-key"] === "active");
        assert.deepEqual(keys.map((k) => plain(k).metadata.name).sort(), ["sealed-secrets-key-fleet-key", "sealed-secrets-key-fleet-key-2"]);
        assert.equal((rotated.outputs as { sealingCert: string }).sealingCert, "standin-fleet-certificate-fleet-key-2", "the newest generation seals");
    });

    it("rejects a certificate that does not match the key, before registering anything", async () => {
        const a = makeKeyPair();
        const b = makeKeyPair();
        const rec = await runStack("ai-pod-1", { sealedSecrets: { keySource: "config" } }, { sealingKey: a.privateKeyPem, sealingCert: b.certPem });
        assert.deepEqual(rec.error?.split("\n"), ["saif-platform:sealingCert: the certificate does not match sealingKey; give the certificate made from this key"]);
        assert.deepEqual(rec.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
    });

    it("helm: the upstream chart with the Application health check in argocd-cm, and no OLM", async () => {
        const rec = await runStack("ai-pod-1", { argocd: { flavor: "helm" } });
        const release = plain(one(rec, T.release));
        assert.equal(release.chart, "argo-cd");
        assert.equal(release.namespace, "argocd");
        assert.deepEqual(release.repositoryOpts, { repo: "https://argoproj.github.io/argo-helm" });
        // Helm's own wait is the `timeout` input (300 s by default), not customTimeouts (helm_release.go).
        assert.equal(release.timeout, 1200);
        assert.equal(plain(one(rec, T.ns, "ns-argocd")).metadata.name, "argocd");
        assert.match(release.values.configs.cm["resource.customizations.health.argoproj.io_Application"], /obj\.status\.health/);
        assert.equal(find(rec, T.sub).length, 0);
        assert.equal(find(rec, T.argocdPatch).length, 0);
        for (const app of applications(rec).values()) assert.equal(plain(app).metadata.namespace, "argocd");
        assert.ok(one(rec, T.secret, "sealed-secrets-key-fleet-key").dependencies.includes(one(rec, T.release).urn));
    });

    it("existing: installs nothing and replaces nothing, only uses the namespace", async () => {
        const rec = await runStack("ai-pod-1", { argocd: { flavor: "existing", namespace: "openshift-gitops" } });
        assert.deepEqual(bootstrapSet(rec), [
            "argoproj.io/v1alpha1:Application saif-apps",
            "core/v1:NamespacePatch ns-hubble-timescape",
            "core/v1:NamespacePatch ns-intersight-otel",
            "core/v1:NamespacePatch ns-sealed-secrets",
            "core/v1:NamespacePatch ns-splunk-otel",
            "core/v1:Secret sealed-secrets-key-fleet-key",
        ]);
        for (const t of [T.sub, T.og, T.release, T.argocdPatch, T.argocd, T.role, T.binding, T.ns]) assert.equal(find(rec, t).length, 0, t);
    });

    it("disconnected: mirrors and the operator's catalog come first, under names distinct from the platform's", async () => {
        const rec = await runStack("ai-pod-1", { mirror: { registry: "mirror.lab:5000", gitopsCatalogImage: "mirror.lab:5000/redhat/redhat-operator-index:v4.18" } });
        const idms = one(rec, T.idms);
        const catalog = one(rec, T.catalog);
        const sub = one(rec, T.sub);
        assert.equal(plain(idms).metadata.name, "saif-bootstrap-mirror");
        assert.equal(plain(catalog).metadata.name, "saif-bootstrap-gitops-catalog");
        assert.equal(plain(sub).spec.source, "saif-bootstrap-gitops-catalog");
        assert.ok(dependsOn(rec, sub, idms) && dependsOn(rec, sub, catalog));
    });

    it("repository access: a read-only deploy key per cluster on GitHub, and the Argo CD repository Secret", async () => {
        const rec = await runStack("ai-pod-1", {
            gitops: { repoUrl: "git@github.com:saif-ai-pod/saif-gitops.git", access: "deployKey", github: { owner: "saif-ai-pod", repository: "saif-gitops" } },
        }, { githubToken: "ghp_SENTINELTOKEN0001" });
        assert.equal(rec.error, undefined);
        const key = one(rec, "tls:index/privateKey:PrivateKey");
        assert.equal(plain(key).algorithm, "ED25519");
        const deployKey = one(rec, "github:index/repositoryDeployKey:RepositoryDeployKey");
        assert.equal(plain(deployKey).readOnly, true);
        assert.equal(plain(deployKey).repository, "saif-gitops");
        const ghProvider = one(rec, "pulumi:providers:github");
        assert.ok(deployKey.provider.startsWith(ghProvider.urn));
        const secret = one(rec, T.secret, "repository-repository");
        assert.equal(plain(secret).metadata.labels["argocd.argoproj.io/secret-type"], "repository");
        assert.equal(plain(secret).metadata.namespace, "openshift-gitops");
        for (const r of rec.registrations) {
            assert.ok(!plainContains(r.inputs, "mock-private-key-openssh"), `${r.type} ${r.name}`);
            assert.ok(!plainContains(r.inputs, "ghp_SENTINELTOKEN0001"), `${r.type} ${r.name}`);
        }
        const rootApp = find(rec, T.app, "saif-apps")[0];
        assert.ok(rootApp.dependencies.includes(secret.urn));
        assert.ok(one(rec, T.secret, "sealed-secrets-key-fleet-key").dependencies.includes(secret.urn), "key after repository access");
    });

    it("repository access by HTTPS token: the token only as a secret", async () => {
        const rec = await runStack("ai-pod-1", { gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", access: "token" } },
            { repoToken: "SENTINEL-REPO-TOKEN-42" });
        const secret = plain(one(rec, T.secret, "repository-repository"));
        assert.equal(secret.stringData, "[secret]");
        for (const r of rec.registrations) assert.ok(!plainContains(r.inputs, "SENTINEL-REPO-TOKEN-42"));
    });

    it("the fleet stack makes one protected RSA 4096 key per generation, exported only as a secret", async () => {
        const rec = await runProgram({
            stack: "fleet", project: "saif-fleet", program: fleetProgram,
            values: { "saif-fleet:rotation": ["fleet-key", "fleet-key-2"] }, secretKeys: new Set(),
        });
        assert.equal(rec.error, undefined);
        const keys = find(rec, "tls:index/privateKey:PrivateKey");
        assert.equal(keys.length, 2);
        for (const k of keys) {
            assert.deepEqual([plain(k).algorithm, plain(k).rsaBits], ["RSA", 4096]);
            assert.ok(k.protect && k.retainOnDelete);
        }
        for (const c of find(rec, "tls:index/selfSignedCert:SelfSignedCert")) assert.ok(c.protect && c.retainOnDelete);
        const outputs = rec.outputs as Record<string, Record<string, unknown>>;
        assert.equal(outputs.sealingKeys[specialSigKey], secretSig);
        assert.ok(!plainContains(rec.outputs, "mock-private-key"));
        assert.equal(find(rec, "pulumi:providers:kubernetes").length, 0, "the fleet stack touches no cluster");
        const bad = await runProgram({
            stack: "fleet", project: "saif-fleet", program: fleetProgram,
            values: { "saif-fleet:rotation": ["fleet-key", "fleet-key"], "saif-fleet:rotaton": "x" }, secretKeys: new Set(),
        });
        assert.deepEqual(bad.error?.split("\n"), [
            "saif-fleet:rotaton: unknown config key; the fleet stack takes only saif-fleet:rotation",
            'saif-fleet:rotation: ["fleet-key","fleet-key"] names a generation twice; each generation is one key',
        ]);
    });
});
