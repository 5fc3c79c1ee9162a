import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { isConfigSecret } from "../stacks/config";
import { root } from "./helpers";
import { runStack } from "./mocks";

/** The offline plan and the config reader lean on two SDK internals; these tests fail first if an upgrade moves them. */
describe("Pulumi SDK internals the program relies on", () => {
    it("pins the versions they were checked on", () => {
        const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.equal(pkg.dependencies["@pulumi/pulumi"], "3.270.0");
        const kubernetes = pkg.dependencies["@pulumi/kubernetes"].split(".").map(Number);
        assert.ok(kubernetes[0] === 4 && (kubernetes[1] > 18 || (kubernetes[1] === 18 && kubernetes[2] >= 4)), "waitFor needs >= 4.18.4");
    });

    it("still has isConfigSecret and waitForRPCs", () => {
        assert.equal(typeof isConfigSecret, "function");
        assert.equal(typeof (settings as unknown as { waitForRPCs?: unknown }).waitForRPCs, "function");
    });

    it("tells a secret set in plain text from a secure one when the program runs", async () => {
        const plain = await runStack("ai-pod-3", { ngcApiKey: "nvapi-plain" });
        assert.deepEqual(plain.error?.split("\n"), ["saif-platform:ngcApiKey: is set in plain text; remove it and run: pulumi config set --secret ngcApiKey <value>"]);
        const secure = await runStack("ai-pod-3", {}, { ngcApiKey: "nvapi-secure" });
        assert.equal(secure.error, undefined);
    });
});

describe("errors raised while the program runs", () => {
    it("become the run's error, one message each, not a crash", async () => {
        const rec = await runStack("ai-pod-1", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", github: { owner: "saif-ai-pod", repository: "saif-gitops" } },
            secretDelivery: { commitSealed: true },
        }, { githubToken: "t", registryPullSecret: '{"auths":{"mirror.lab":{"auth":"dXNlcjpwYXNz"}}}', splunkHecToken: "a", timescapePushApiPassword: "b", intersightApiKey: "c", intersightKeyId: "k", ngcApiKey: "d" });
        assert.match(rec.error ?? "", /cannot seal \w+ with the fleet certificate: .*no start line/);
        assert.ok(!/\n\s+at /.test(rec.error ?? ""), "no stack trace");
    });
});

describe("the fleet stack reference", () => {
    it("names a key generation the fleet stack does not have", async () => {
        const rec = await runStack("ai-pod-1", { sealedSecrets: { keySource: "stack", rotation: ["fleet-key", "fleet-key-9"] } });
        // The SDK prefixes an error raised while it serializes an input with the property's name.
        assert.match(rec.error ?? "", /^(error serializing property "\w+": )?saif-platform:sealedSecrets\.rotation: the fleet stack organization\/saif-fleet\/fleet has no key generation "fleet-key-9" \(it has "fleet-key", "fleet-key-2", "fleet-key-3"\); add it to fleet\/Pulumi.fleet.yaml/m);
        assert.ok(!rec.error?.includes("standin-fleet-private-key"));
    });

    it("says the fleet stack's secrets could not be decrypted when its sealingKeys arrive empty", async () => {
        // What the engine hands over when the fleet stack's secrets manager cannot decrypt (builtins.go
        // readStackReference logs "eliding undecryptable secrets"; secrets.go returns "{}").
        const rec = await runStack("ai-pod-1", {}, {}, { emptyFleetOutputs: true });
        assert.match(rec.error ?? "", /saif-platform:sealedSecrets\.fleetStack: cannot decrypt the fleet stack organization\/saif-fleet\/fleet's secrets \(same passphrase or secrets provider\?\)/);
        assert.ok(!(rec.error ?? "").includes("has no key generation"));
    });
});
