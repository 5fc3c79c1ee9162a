import { strict as assert } from "node:assert";
import { platformSecrets } from "../components/catalog";
import { undeliveredSecrets } from "../lib/delivery";
import { parseClusterConfig } from "../stacks/parse";
import { problemLines, stackRaw } from "./helpers";
import { runStack } from "./mocks";

/** Secrets delivered, or refused before anything is registered (issue 22, item 1). */
describe("secret delivery: delivered, or refused up front", function () {
    this.timeout(60000);
    const splunk = platformSecrets.filter((s) => s.key === "splunkHecToken" && !s.id);
    const enabled = new Set(["splunk-otel", "splunk-reporter"]);

    it("needs a committed SealedSecret, commitSealed or directSecrets; one line per Secret naming its key and the three ways", () => {
        const none = { commitSealed: false, directSecrets: false };
        assert.deepEqual(undeliveredSecrets(splunk, none, enabled, () => false, "ai-pod-1"), [
            'saif-platform:splunkHecToken: splunk-otel/splunk-access-token, which "splunk-otel" and "splunk-reporter" read, is not delivered; ' +
            "commit its SealedSecret (npm run seal -- --stack ai-pod-1 --values <file> --cert <pem> --out . writes apps/sealed-secrets/splunk-otel/splunk-access-token.yaml), " +
            "or set secretDelivery.commitSealed: true, or secretDelivery.directSecrets: true",
        ]);
        assert.deepEqual(undeliveredSecrets(splunk, none, enabled, (p) => p === "apps/sealed-secrets/splunk-otel/splunk-access-token.yaml", "ai-pod-1"), []);
        assert.deepEqual(undeliveredSecrets(splunk, { commitSealed: true, directSecrets: false }, enabled, () => false, "ai-pod-1"), []);
        assert.deepEqual(undeliveredSecrets(splunk, { commitSealed: false, directSecrets: true }, enabled, () => false, "ai-pod-1"), []);
    });

    it("refuses commitSealed and directSecrets together, before anything is registered", () => {
        assert.deepEqual(problemLines(() => parseClusterConfig(stackRaw("ai-pod-3", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", github: { owner: "o", repository: "r" } },
            secretDelivery: { commitSealed: true, directSecrets: true },
        }))).filter((l) => l.startsWith("saif-platform:secretDelivery:")), [
            "saif-platform:secretDelivery: commitSealed and directSecrets both deliver every secret, as a SealedSecret and as Pulumi's own Secret of the same name, which would fight over it; keep one",
        ]);
    });

    it("under mocks: pulumi up stops with the lines and registers nothing; a preview warns and goes on", async () => {
        const up = await runStack("ai-pod-3", {}, {}, { up: true });
        assert.match(up.error ?? "", /^saif-platform:registryPullSecret: .* is not delivered; /);
        assert.equal(up.error!.split("\n").length, 6, up.error);
        assert.deepEqual(up.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
        const preview = await runStack("ai-pod-3");
        assert.equal(preview.error, undefined);
        assert.equal(preview.logs.filter((l) => l.startsWith("warn: pulumi up will refuse: saif-platform:")).length, 6);
        // Delivered by pulumi up itself: nothing to refuse.
        const direct = await runStack("ai-pod-3", { secretDelivery: { directSecrets: true } },
            { splunkHecToken: "a", timescapePushApiPassword: "b", intersightApiKey: "c", intersightKeyId: "d", registryPullSecret: '{"auths":{"m":{"auth":"dTpw"}}}' }, { up: true });
        assert.equal(direct.error, undefined);
        // A new cluster's folder that saif-apps would watch must be in the repository too.
        const noFolder = await runStack("ai-pod-3", { gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", clusterAppsPath: "clusters/ai-pod-9" }, secretDelivery: { directSecrets: true } },
            { splunkHecToken: "a", timescapePushApiPassword: "b", intersightApiKey: "c", intersightKeyId: "d", registryPullSecret: '{"auths":{"m":{"auth":"dTpw"}}}' }, { up: true });
        assert.equal(noFolder.error, "saif-platform:gitops.clusterAppsPath: clusters/ai-pod-9 is not a folder of this repository; saif-apps watches it (Argo CD fails on a missing path): add it with a README.md (Git keeps no empty folder), as clusters/ai-pod-1/ has");
    });
});
