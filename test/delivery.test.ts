import { strict as assert } from "node:assert";
import { applications, find, plain, runStack } from "./mocks";

describe("certificates and secret injection under mocks", () => {
    it("cert-manager early in Tier 1, a ClusterIssuer from config, and UI certificates that gate their components", async () => {
        const rec = await runStack("ai-pod-1", { certManager: { enabled: true, domain: "apps.ai-pod-1.example.com" } });
        assert.equal(rec.error, undefined);
        const manager = find(rec, "kubernetes-cert-manager:index:CertManager");
        assert.equal(manager.length, 1);
        assert.equal(plain(manager[0]).installCRDs, true);
        const issuers = find(rec, "kubernetes:cert-manager.io/v1:ClusterIssuer").map((r) => plain(r).metadata.name).sort();
        assert.deepEqual(issuers, ["saif-ca", "saif-selfsigned"]);
        const certs = find(rec, "kubernetes:cert-manager.io/v1:Certificate");
        const ui = certs.find((c) => plain(c).metadata.name === "hubble-timescape-ui-tls")!;
        assert.deepEqual(plain(ui).spec.dnsNames, ["hubble-timescape.apps.ai-pod-1.example.com"]);
        assert.equal(plain(ui).metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
        assert.ok(certs.some((c) => plain(c).metadata.name === "argocd-server-tls" && plain(c).metadata.namespace === "openshift-gitops"));
        assert.ok(applications(rec).get("hubble-timescape")!.dependencies.includes(ui.urn), "hubble-timescape waits for its certificate");
        const rootApp = find(rec, "kubernetes:argoproj.io/v1alpha1:Application", "saif-apps")[0];
        assert.ok(find(rec, "kubernetes:core/v1:Namespace", "certificates-namespace")[0].dependencies.includes(rootApp.urn), "after the bootstrap");

        const acme = await runStack("ai-pod-1", { certManager: { enabled: true, issuer: "acme", acmeEmail: "ops@example.com" } });
        const issuer = plain(find(acme, "kubernetes:cert-manager.io/v1:ClusterIssuer")[0]);
        assert.equal(issuer.spec.acme.email, "ops@example.com");
        assert.equal(issuer.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
    });

    it("option 2: a GitHub Actions environment per cluster, and Kubernetes Secrets that gate their consumers", async () => {
        const rec = await runStack("ai-pod-2", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", github: { owner: "saif-ai-pod", repository: "saif-gitops" } },
            secretDelivery: { githubEnvironment: true, directSecrets: true },
        }, { githubToken: "t", ngcApiKey: "a", nimWebserverPassword: "b", splunkHecToken: "c", timescapePushApiPassword: "d", intersightApiKey: "e", registryPullSecret: "{}" });
        assert.equal(rec.error, undefined);
        const env = plain(find(rec, "github:index/repositoryEnvironment:RepositoryEnvironment")[0]);
        assert.equal(env.environment, "cluster-ai-pod-2");
        const names = find(rec, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").map((r) => plain(r).secretName).sort();
        assert.deepEqual(names, ["INTERSIGHT_API_KEY", "NGC_API_KEY", "NIM_WEBSERVER_PASSWORD", "REGISTRY_PULL_SECRET", "SPLUNK_HEC_TOKEN", "TIMESCAPE_PUSH_API_PASSWORD"]);
        const ngc = find(rec, "kubernetes:core/v1:Secret", "platform-secrets-ngcApiKey")[0];
        assert.equal(plain(ngc).metadata.namespace, "nim");
        assert.equal(plain(ngc).stringData, "[secret]");
        assert.ok(applications(rec).get("nim-llm")!.dependencies.includes(ngc.urn));
    });
});
