import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { sealStack } from "../cli/seal";
import { platformSecrets } from "../components/catalog";
import { ConfigProblems } from "../lib/problems";
import { scopeLabel, sealerFor, sealSecret, sealValue } from "../lib/seal";
import { sealedSecretFile } from "../lib/sealedFiles";
import { crdErrors } from "./crd";
import { fixtureStack, root } from "./helpers";
import { makeKeyPair, TestKeyPair } from "./keys";
import { find, plain, runStack } from "./mocks";
import { openSealedSecret, openValue } from "./unseal";

const kubesealCert = readFileSync(path.join(root, "test/fixtures/kubeseal-test-cert.pem"), "utf8");

describe("sealing (pure)", () => {
    let pair: TestKeyPair;
    before(() => {
        pair = makeKeyPair();
    });

    it("writes the controller's layout: 2-byte RSA length, RSA-OAEP block, AES-GCM body and tag", () => {
        const sealer = sealerFor(kubesealCert);
        for (const value of ["", "supersecret", "x".repeat(1000)]) {
            const blob = Buffer.from(sealValue(sealer, value, "myns/mysecret"), "base64");
            assert.equal(blob.readUInt16BE(0), 512, "4096-bit key: 0x0200");
            assert.equal(blob.length, 2 + 512 + Buffer.byteLength(value) + 16);
            assert.match(sealValue(sealer, value, ""), /^Ag[A-D]/);
        }
    });

    it("round-trips through a decryption written from the controller's format, under each scope", () => {
        for (const deterministic of [false, true]) {
            const sealer = sealerFor(pair.certPem, deterministic ? pair.privateKeyPem : undefined);
            const s = sealSecret(sealer, { namespace: "nim", name: "ngc-api-key", type: "Opaque", data: { NGC_API_KEY: "nvapi-ÄÖ-123" } });
            assert.deepEqual(openSealedSecret(pair.privateKeyPem, s as never), { NGC_API_KEY: "nvapi-ÄÖ-123" });
            const sealed = (s as { spec: { encryptedData: Record<string, string> } }).spec.encryptedData.NGC_API_KEY;
            // Strict scope: another namespace or name cannot open it.
            assert.throws(() => openValue(pair.privateKeyPem, sealed, "other/ngc-api-key"));
            assert.throws(() => openValue(pair.privateKeyPem, sealed, "nim/other"));
            assert.throws(() => openValue(pair.privateKeyPem, sealed, "nim"));
        }
        const sealer = sealerFor(pair.certPem);
        const wide = sealSecret(sealer, { namespace: "ns", name: "a", type: "Opaque", data: { k: "v" }, scope: "namespace-wide" });
        assert.equal((wide as { metadata: { annotations: Record<string, string> } }).metadata.annotations["sealedsecrets.bitnami.com/namespace-wide"], "true");
        assert.deepEqual(openSealedSecret(pair.privateKeyPem, wide as never), { k: "v" });
        const value = (wide as { spec: { encryptedData: Record<string, string> } }).spec.encryptedData.k;
        assert.equal(openValue(pair.privateKeyPem, value, "ns"), "v");
        assert.throws(() => openValue(pair.privateKeyPem, value, "other"));
        const cluster = sealValue(sealer, "v", scopeLabel("any", "thing", "cluster-wide"));
        assert.equal(openValue(pair.privateKeyPem, cluster, ""), "v");
        assert.deepEqual([scopeLabel("myns", "myname"), scopeLabel("myns", "myname", "namespace-wide"), scopeLabel("myns", "myname", "cluster-wide")], ["myns/myname", "myns", ""]);
    });

    it("re-seals only when the value or the certificate changes, without a plain hash of the value", () => {
        const sealer = sealerFor(pair.certPem, pair.privateKeyPem);
        const def = platformSecrets.find((s) => s.key === "ngcApiKey")!;
        const a = sealedSecretFile(def, "value-1", sealer);
        assert.equal(sealedSecretFile(def, "value-1", sealer).yaml, a.yaml, "same value, same bytes");
        assert.notEqual(sealedSecretFile(def, "value-2", sealer).yaml, a.yaml);
        const other = makeKeyPair();
        assert.notEqual(sealedSecretFile(def, "value-1", sealerFor(other.certPem, other.privateKeyPem)).yaml, a.yaml);
        assert.notEqual(sealValue(sealerFor(pair.certPem), "v", "l"), sealValue(sealerFor(pair.certPem), "v", "l"), "random without the key");
        // What decides is keyed by the fleet's secret: a guess sealed without the key never reproduces the file.
        assert.ok(!a.yaml.includes(createHash("sha256").update("value-1").digest("hex")));
        assert.ok(!a.yaml.includes(createHash("sha256").update("value-1").digest("base64")));
    });

    it("produces SealedSecrets that validate strictly against the real CRD, at the seed's paths", () => {
        const sealer = sealerFor(pair.certPem, pair.privateKeyPem);
        for (const def of platformSecrets) {
            const f = sealedSecretFile(def, "v", sealer);
            // In the folder of the Application that delivers it (sealed-secrets-gpu reads apps/sealed-secrets-gpu).
            assert.equal(f.path, `apps/${def.sealedBy}/${def.app}/${def.name}.yaml`);
            assert.deepEqual(crdErrors("sealedsecret-crd.yaml", "v1alpha1", parseYaml(f.yaml)), [], def.key);
        }
    });
});

describe("npm run seal, and the same files committed by pulumi up", () => {
    let pair: TestKeyPair;
    let dir: string;
    const values: Record<string, string> = {
        "saif-platform:registryPullSecret": '{"auths":{"mirror.lab":{"auth":"U0VOVElORUwtUkVHSVNUUlk="}}}',
        "saif-platform:splunkHecToken": "SENTINEL-SPLUNK-0001",
        "saif-platform:timescapePushApiPassword": "SENTINEL-TIMESCAPE-0002",
        "saif-platform:intersightApiKey": "SENTINEL-INTERSIGHT-0003",
        "saif-platform:ngcApiKey": "SENTINEL-NGC-0004",
        "saif-platform:nimWebserverPassword": "SENTINEL-NIMWEB-0005",
    };
    before(() => {
        pair = makeKeyPair();
        dir = mkdtempSync(path.join(tmpdir(), "seal-"));
        writeFileSync(path.join(dir, "cert.pem"), pair.certPem);
        writeFileSync(path.join(dir, "values.yaml"), stringify({ ...values, "saif-platform:sealingKey": pair.privateKeyPem }));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("writes one SealedSecret per secret ai-pod-1 needs, that opens to the given value, and is stable", () => {
        const flags = { stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), values: path.join(dir, "values.yaml"), cert: path.join(dir, "cert.pem"), out: path.join(dir, "out") };
        const first = sealStack(root, flags);
        assert.equal(first.files.length, 6);
        assert.ok(first.deterministic);
        for (const f of first.files) {
            const obj = parseYaml(readFileSync(path.join(dir, "out", f.path), "utf8"));
            const def = platformSecrets.find((s) => f.path.endsWith(`/${s.name}.yaml`))!;
            assert.deepEqual(openSealedSecret(pair.privateKeyPem, obj), { [def.dataKey]: values[`saif-platform:${def.key}`] });
        }
        assert.deepEqual(sealStack(root, flags).files.map((f) => f.status), first.files.map(() => "unchanged"));
        const three = sealStack(root, { ...flags, stack: "ai-pod-3", config: fixtureStack("ai-pod-3"), out: path.join(dir, "out3") });
        assert.deepEqual(three.files.map((f) => f.path).sort(), first.files.map((f) => f.path).filter((p) => !p.includes("nim-llm")).sort());
    });

    it("refuses a certificate that is expired or not RSA, and missing values, in one line each", () => {
        const expired = makeKeyPair({ notBefore: new Date("2020-01-01"), notAfter: new Date("2021-01-01") });
        writeFileSync(path.join(dir, "expired.pem"), expired.certPem);
        const run = (cert: string, valuesFile = path.join(dir, "values.yaml")) => {
            try {
                sealStack(root, { stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), values: valuesFile, cert, out: path.join(dir, "x") });
            } catch (e) {
                if (e instanceof ConfigProblems) return e.lines;
                throw e;
            }
            return [];
        };
        assert.match(run(path.join(dir, "expired.pem"))[0], /^--cert .*expired\.pem: expired on Jan {2}1 00:00:00 2021 GMT/);
        assert.match(run(path.join(root, "test/fixtures/ec-cert.pem"))[0], /is a ec certificate; Sealed Secrets needs an RSA certificate$/);
        writeFileSync(path.join(dir, "partial.yaml"), stringify({ "saif-platform:ngcApiKey": "x" }));
        const lines = run(path.join(dir, "cert.pem"), path.join(dir, "partial.yaml"));
        assert.ok(lines.includes(`--values ${path.join(dir, "partial.yaml")}: saif-platform:splunkHecToken is missing, but "splunk-otel" and "splunk-reporter" need it; add it, or turn the component off`), lines.join("\n"));
    });

    it("registers the same manifests as RepositoryFiles under mocks (commitSealed), byte for byte", async () => {
        const flags = { stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), values: path.join(dir, "values.yaml"), cert: path.join(dir, "cert.pem"), out: path.join(dir, "same") };
        const sealed = sealStack(root, flags);
        const rec = await runStack("ai-pod-1", {
            gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", github: { owner: "saif-ai-pod", repository: "saif-gitops" } },
            secretDelivery: { commitSealed: true, branch: "main" },
        }, { ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k.split(":")[1], v])), githubToken: "SENTINEL-GH-0006", sealingKey: pair.privateKeyPem, sealingCert: pair.certPem });
        assert.equal(rec.error, undefined);
        const files = find(rec, "github:index/repositoryFile:RepositoryFile").map((r) => plain(r));
        assert.deepEqual(files.map((f) => f.file).sort(), sealed.files.map((f) => f.path).sort());
        for (const f of files) {
            assert.equal(f.content, sealed.files.find((s) => s.path === f.file)!.yaml, f.file);
            assert.equal(f.repository, "saif-gitops");
            assert.equal(f.branch, "main");
        }
    });
});
