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
import { find, plain, runStack, applications } from "./mocks";
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

    it("records the certificate's SHA-256 fingerprint as openssl prints it, and refuses a certificate without an RSA key", () => {
        // openssl x509 -in test/fixtures/kubeseal-test-cert.pem -noout -fingerprint -sha256
        assert.equal(sealerFor(kubesealCert).fingerprint, "47:36:1D:1F:E6:DD:B4:C1:6B:97:B0:26:76:1C:50:58:3B:29:68:E1:49:FC:79:B4:5C:41:E2:C3:F2:78:72:CA".replace(/:/g, "").toLowerCase());
        assert.throws(() => sealerFor(readFileSync(path.join(root, "test/fixtures/ec-cert.pem"), "utf8")), /^Error: the sealing certificate is not an RSA certificate$/);
    });

    it("seals deterministically to pinned bytes (known answers), so a new version of the program re-seals nothing", () => {
        // Any change to how the session key or the OAEP seed is derived would rewrite every sealed file in every
        // cluster's repository on the next run. The fleet secret here is a test string, not a key.
        const sealer = sealerFor(kubesealCert, "not-a-real-key: the known-answer test's fleet secret");
        const sha = (v: string, label: string) => createHash("sha256").update(sealValue(sealer, v, label)).digest("hex");
        assert.deepEqual([sha("supersecret", "myns/mysecret"), sha("supersecret", "myns"), sha("", "")], [
            "93afaf50bba9d0c464519b8325316a274180168187f090c1301b923df0149936",
            "ad4322b64f28cdaa83fc6ededd38223ee9952711bd46b8bb0502cfb882c8583f",
            "c9c4ad84572348a9865d5f25c0837509f3976674204830d6f95d365b33241680",
        ]);
    });

    it("writes the whole SealedSecret: scope annotations as the controller reads them, sorted keys, the template's type and labels", () => {
        const sealer = sealerFor(pair.certPem, pair.privateKeyPem);
        const secret = { namespace: "nim", name: "pull", type: "kubernetes.io/dockerconfigjson", data: { z: "last", a: "first" }, labels: { "saif.io/component": "nim-llm" } };
        const fp = sealer.fingerprint;
        const strict = sealSecret(sealer, secret) as { metadata: unknown; spec: { encryptedData: Record<string, string>; template: unknown } };
        assert.deepEqual(strict.metadata, { name: "pull", namespace: "nim", annotations: { "saif.io/sealed-with-cert-sha256": fp } });
        assert.deepEqual([(strict as unknown as { apiVersion: string }).apiVersion, (strict as unknown as { kind: string }).kind], ["bitnami.com/v1alpha1", "SealedSecret"]);
        assert.deepEqual(Object.keys(strict.spec.encryptedData), ["a", "z"]);
        assert.deepEqual(strict.spec.template, { metadata: { name: "pull", namespace: "nim", labels: { "saif.io/component": "nim-llm" } }, type: "kubernetes.io/dockerconfigjson" });
        assert.deepEqual(openSealedSecret(pair.privateKeyPem, strict as never), { a: "first", z: "last" });
        const cluster = sealSecret(sealer, { ...secret, labels: undefined, scope: "cluster-wide" }) as typeof strict;
        assert.deepEqual(cluster.metadata, { name: "pull", namespace: "nim", annotations: { "saif.io/sealed-with-cert-sha256": fp, "sealedsecrets.bitnami.com/cluster-wide": "true" } });
        assert.deepEqual(cluster.spec.template, { metadata: { name: "pull", namespace: "nim" }, type: "kubernetes.io/dockerconfigjson" });
        // Cluster-wide: the empty label opens it, whatever namespace or name it is moved to; the strict label does not.
        assert.equal(openValue(pair.privateKeyPem, cluster.spec.encryptedData.a, ""), "first");
        assert.throws(() => openValue(pair.privateKeyPem, cluster.spec.encryptedData.a, "nim/pull"));
        const wide = sealSecret(sealer, { ...secret, scope: "namespace-wide" }) as typeof strict;
        assert.deepEqual(Object.keys((wide.metadata as { annotations: object }).annotations), ["saif.io/sealed-with-cert-sha256", "sealedsecrets.bitnami.com/namespace-wide"]);
        assert.equal(openValue(pair.privateKeyPem, wide.spec.encryptedData.z, "nim"), "last");
    });

    it("refuses a key too small for RSA-OAEP with SHA-256 (RFC 8017: k - 66 bytes at most) instead of writing what the controller cannot open", () => {
        for (const bits of [512, 768]) {
            const small = makeKeyPair({ bits });
            assert.throws(() => sealValue(sealerFor(small.certPem, small.privateKeyPem), "v", "ns/name"), /^Error: message too long for RSA-OAEP$/, `${bits}`);
        }
        // 784 bits = 98 bytes: exactly room for the 32-byte session key, and the controller's decryption opens it.
        const edge = makeKeyPair({ bits: 784 });
        assert.equal(openValue(edge.privateKeyPem, sealValue(sealerFor(edge.certPem, edge.privateKeyPem), "v", "ns/name"), "ns/name"), "v");
    });

    it("produces SealedSecrets that validate strictly against the real CRD, at the seed's paths", () => {
        const sealer = sealerFor(pair.certPem, pair.privateKeyPem);
        for (const def of platformSecrets) {
            const f = sealedSecretFile(def, def.format === "argocdRepoCreds" ? '{"auths":{"mirror.lab":{"auth":"dXNlcjpwYXNz"}}}' : "v", sealer);
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
        "saif-platform:intersightKeyId": "SENTINEL-INTERSIGHT-ID-0006",
        "saif-platform:ngcApiKey": "SENTINEL-NGC-0004",
        
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
        assert.equal(first.files.length, 8);
        assert.ok(first.deterministic);
        for (const f of first.files) {
            const obj = parseYaml(readFileSync(path.join(dir, "out", f.path), "utf8"));
            const def = platformSecrets.find((s) => f.path.endsWith(`/${s.name}.yaml`))!;
            const expected: Record<string, Record<string, string>> = {
                // Argo CD's repo-creds from the registry's .dockerconfigjson: an auth without ":" is a bare token.
                "oci-registry-repo-creds": { type: "helm", enableOCI: "true", url: "mirror.lab", username: "", password: "SENTINEL-REGISTRY" },
                // NGC's docker-registry form: user $oauthtoken, the key as password, auth = base64("$oauthtoken:<key>").
                "ngc-secret": { ".dockerconfigjson": JSON.stringify({ auths: { "nvcr.io": { username: "$oauthtoken", password: "SENTINEL-NGC-0004", auth: Buffer.from("$oauthtoken:SENTINEL-NGC-0004").toString("base64") } } }) },
            };
            assert.deepEqual(openSealedSecret(pair.privateKeyPem, obj), expected[def.name] ?? { [def.dataKey]: values[`saif-platform:${def.key}`] });
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
        const regs = find(rec, "github:index/repositoryFile:RepositoryFile");
        const all = regs.map((r) => plain(r));
        const markers = all.filter((f) => (f.file as string).endsWith("/.sealed-revision"));
        const files = all.filter((f) => !markers.includes(f));
        assert.deepEqual(files.map((f) => f.file).sort(), sealed.files.map((f) => f.path).sort());
        for (const f of files) {
            assert.equal(f.content, sealed.files.find((s) => s.path === f.file)!.yaml, f.file);
            assert.equal(f.repository, "saif-gitops");
            assert.equal(f.branch, "main");
        }
        // One commit after another on the branch (GitHub refuses concurrent updates of a branch): each waits for the one before.
        for (let i = 1; i < regs.length; i++) assert.ok(regs[i].dependencies.includes(regs[i - 1].urn), `${regs[i].name} after ${regs[i - 1].name}`);
        // A marker per delivering folder, the digest of its sealed files, committed after them.
        assert.deepEqual(markers.map((m) => m.file).sort(), ["apps/argocd-config/.sealed-revision", "apps/sealed-secrets-gpu/.sealed-revision", "apps/sealed-secrets/.sealed-revision"]);
        const digest = (folder: string) => `${createHash("sha256").update(sealed.files.filter((f) => f.path.startsWith(`apps/${folder}/`)).map((f) => f.yaml).join("\0")).digest("hex")}\n`;
        for (const m of markers) assert.equal(m.content, digest((m.file as string).split("/")[1]), m.file as string);
        // Each delivering Application waits for its files and is pinned to its marker's commit, gated on that revision.
        const apps = applications(rec);
        for (const folder of ["argocd-config", "sealed-secrets", "sealed-secrets-gpu"]) {
            const marker = regs.find((r) => plain(r).file === `apps/${folder}/.sealed-revision`)!;
            const sha = createHash("sha1").update(plain(marker).content as string).digest("hex");
            const app = apps.get(folder)!;
            assert.ok(app.dependencies.includes(marker.urn), `${folder} waits for its marker`);
            assert.equal(plain(app).spec.source.targetRevision, sha, folder);
            assert.ok((JSON.parse(plain(app).metadata.annotations["pulumi.com/waitFor"] as string) as string[]).includes(`jsonpath={.status.sync.revision}=${sha}`), folder);
        }
        // A consumer still reads the branch.
        assert.equal(plain(apps.get("splunk-otel")!).spec.source.targetRevision, "main");
    });
});
