import { strict as assert } from "node:assert";
import { applications, find, plain, runStack } from "./mocks";

describe("certificates and secret injection under mocks", () => {
    it("cert-manager early in Tier 1, a ClusterIssuer from config, and UI certificates that gate their components", async () => {
        const rec = await runStack("ai-pod-1", { certManager: { enabled: true, domain: "apps.ai-pod-1.example.com" } });
        assert.equal(rec.error, undefined);
        const manager = find(rec, "kubernetes-cert-manager:index:CertManager");
        assert.equal(manager.length, 1);
        assert.equal(plain(manager[0]).installCRDs, true);
        // Pinned, from a configurable repository: otherwise every preview resolves the newest chart.
        assert.deepEqual(plain(manager[0]).helmOptions, { namespace: "cert-manager", version: "v1.19.4", repositoryOpts: { repo: "https://charts.jetstack.io" } });
        const issuers = find(rec, "kubernetes:cert-manager.io/v1:ClusterIssuer").map((r) => plain(r).metadata.name).sort();
        assert.deepEqual(issuers, ["saif-ca", "saif-selfsigned"]);
        const certs = find(rec, "kubernetes:cert-manager.io/v1:Certificate");
        const ui = certs.find((c) => plain(c).metadata.name === "hubble-timescape-ui-tls")!;
        assert.deepEqual(plain(ui).spec.dnsNames, ["hubble-timescape.apps.ai-pod-1.example.com"]);
        assert.equal(plain(ui).metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
        // Argo CD's server keeps the service-CA certificate its reencrypt Route trusts: no cert-manager certificate there.
        assert.ok(!certs.some((c) => plain(c).metadata.name === "argocd-server-tls"));
        assert.ok(applications(rec).get("hubble-timescape")!.dependencies.includes(ui.urn), "hubble-timescape waits for its certificate");
        const key = find(rec, "kubernetes:core/v1:Secret", "sealed-secrets-key-fleet-key")[0];
        const project = find(rec, "kubernetes:argoproj.io/v1alpha1:AppProject", "saif-platform")[0];
        assert.ok(manager[0].dependencies.includes(key.urn) && manager[0].dependencies.includes(project.urn), "after the bootstrap");
        assert.ok(manager[0].dependencies.includes(find(rec, "kubernetes:core/v1:NamespacePatch", "ns-cert-manager")[0].urn));
        // The NIM operator's webhook gets its TLS from cert-manager: it waits for it, and keeps its webhook on.
        const nimOperator = applications(rec).get("nim-operator")!;
        assert.ok(nimOperator.dependencies.includes(manager[0].urn));
        assert.equal(plain(nimOperator).spec.source.helm, undefined);
        // Without cert-manager the webhook is off, as the chart requires cert-manager for it.
        const plainStack = applications(await runStack("ai-pod-1"));
        // Nested under the dependency's name, as the umbrella chart apps/nim-operator/Chart.yaml takes values.
        assert.deepEqual(plain(plainStack.get("nim-operator")!).spec.source.helm.valuesObject, { "k8s-nim-operator": { operator: { admissionController: { enabled: false } } } });

        const acme = await runStack("ai-pod-1", { certManager: { enabled: true, issuer: "acme", acmeEmail: "ops@example.com" } });
        const issuer = plain(find(acme, "kubernetes:cert-manager.io/v1:ClusterIssuer")[0]);
        assert.equal(issuer.spec.acme.email, "ops@example.com");
        assert.equal(issuer.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
    });

    it("certManager.install false: the cluster's own cert-manager (Red Hat's operator) serves; no second one is installed, and the gates hold", async () => {
        const rec = await runStack("ai-pod-1", { certManager: { enabled: true, install: false } });
        assert.equal(rec.error, undefined);
        assert.deepEqual(find(rec, "kubernetes-cert-manager:index:CertManager"), [], "two cert-managers must never run on one cluster");
        // Its namespace is patched, never created: the operator's operand runs there.
        assert.deepEqual(find(rec, "kubernetes:core/v1:Namespace", "ns-cert-manager"), []);
        const patch = find(rec, "kubernetes:core/v1:NamespacePatch", "ns-cert-manager")[0];
        const selfSigned = find(rec, "kubernetes:cert-manager.io/v1:ClusterIssuer").find((r) => plain(r).metadata.name === "saif-selfsigned")!;
        assert.ok(selfSigned.dependencies.includes(patch.urn), "after the bootstrap and the namespace");
        const caIssuer = find(rec, "kubernetes:cert-manager.io/v1:ClusterIssuer").find((r) => plain(r).metadata.name === "saif-ca")!;
        assert.equal(plain(caIssuer).metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
        // The NIM operator's webhook waits for an issuer the cluster's cert-manager made Ready, and stays on.
        const nimOperator = applications(rec).get("nim-operator")!;
        assert.ok(nimOperator.dependencies.includes(caIssuer.urn));
        assert.equal(plain(nimOperator).spec.source.helm, undefined);
    });

    it("option 2: a GitHub Actions environment per cluster, and Kubernetes Secrets that gate their consumers", async () => {
        const rec = await runStack("ai-pod-2", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", github: { owner: "saif-ai-pod", repository: "saif-gitops" } },
            secretDelivery: { githubEnvironment: true, directSecrets: true },
        }, { githubToken: "t", ngcApiKey: "a", splunkHecToken: "c", timescapePushApiPassword: "d", intersightApiKey: "e", intersightKeyId: "k", registryPullSecret: '{"auths":{"mirror.lab":{"auth":"dXNlcjpwYXNz"}}}' });
        assert.equal(rec.error, undefined);
        const env = plain(find(rec, "github:index/repositoryEnvironment:RepositoryEnvironment")[0]);
        assert.equal(env.environment, "cluster-ai-pod-2");
        const names = find(rec, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").map((r) => plain(r).secretName).sort();
        assert.deepEqual(names, ["INTERSIGHT_API_KEY", "INTERSIGHT_KEY_ID", "NGC_API_KEY", "REGISTRY_PULL_SECRET", "SPLUNK_HEC_TOKEN", "TIMESCAPE_PUSH_API_PASSWORD"]);
        const ngc = find(rec, "kubernetes:core/v1:Secret", "platform-secrets-ngcApiKey")[0];
        assert.equal(plain(ngc).metadata.namespace, "nim");
        assert.equal(plain(ngc).stringData, "[secret]");
        assert.ok(applications(rec).get("nim-llm")!.dependencies.includes(ngc.urn));
        // `value`, not the deprecated `plaintextValue` (@pulumi/github 6.x), and secret.
        const envSecret = find(rec, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")[0];
        assert.equal(plain(envSecret).value, "[secret]");
        assert.equal(plain(envSecret).plaintextValue, undefined);
        // Each namespace once: a patch, since Argo CD's CreateNamespace or the operator may make it too.
        assert.ok(ngc.dependencies.includes(find(rec, "kubernetes:core/v1:NamespacePatch", "ns-nim")[0].urn));
        assert.equal(find(rec, "kubernetes:core/v1:Secret", "platform-secrets-registryPullSecret").map((r) => plain(r).metadata.namespace)[0], "openshift-gitops");
    });
});
