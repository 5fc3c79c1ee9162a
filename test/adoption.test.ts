import { strict as assert } from "node:assert";
import { keySecretDifference, pemText } from "../lib/certs";
import { makeKeyPair } from "./keys";

/** Adopting the cluster's Sealed Secrets key: byte for byte, and a clear line when it is not the stack's key. */
describe("adopting the fleet key (pure)", function () {
    this.timeout(60000);
    const pair = makeKeyPair();
    const other = makeKeyPair();
    const b64 = (s: string) => Buffer.from(s).toString("base64");

    it("writes PEMs as the cluster stores them: the trailing newline config strips put back, no other byte changed", () => {
        const body = pair.certPem.replace(/\r\n/g, "\n").replace(/\n$/, "");
        assert.equal(pemText(body), `${body}\n`);
        assert.equal(pemText(`${body}\n`), `${body}\n`);
        // CRLF line ends stay CRLF: `pulumi config set` strips only the last "\n".
        const crlf = `${body.replace(/\n/g, "\r\n")}\r\n`;
        assert.equal(pemText(crlf.slice(0, -1)), crlf);
    });

    it("accepts the cluster's Secret when it holds the stack's pair, newline or not", () => {
        assert.equal(keySecretDifference("sealed-secrets/k", { "tls.crt": b64(pair.certPem), "tls.key": b64(pair.privateKeyPem) }, pair.certPem.trimEnd(), pair.privateKeyPem.trimEnd()), undefined);
    });

    it("names what differs, by fingerprint, never showing a key", () => {
        const certOnly = keySecretDifference("sealed-secrets/k", { "tls.crt": b64(other.certPem), "tls.key": b64(pair.privateKeyPem) }, pair.certPem, pair.privateKeyPem)!;
        assert.match(certOnly, /^sealed-secrets\/k: the cluster's key is not the stack's: certificate [0-9a-f:]{23}\.\.\. on the cluster, [0-9a-f:]{23}\.\.\. in the stack; set sealingKey\/sealingCert/);
        assert.ok(!certOnly.includes("private key"));
        const both = keySecretDifference("sealed-secrets/k", { "tls.crt": b64(other.certPem), "tls.key": b64(other.privateKeyPem) }, pair.certPem, pair.privateKeyPem)!;
        assert.match(both, /certificate .*; private key \(public half\) /);
        assert.ok(!both.includes("PRIVATE KEY") && !both.includes(pair.privateKeyPem.split("\n")[1]));
        assert.match(keySecretDifference("sealed-secrets/k", { "tls.crt": b64(pair.certPem) }, pair.certPem, pair.privateKeyPem)!, /has no tls\.crt or tls\.key/);
        assert.match(keySecretDifference("sealed-secrets/k", { "tls.crt": b64("junk"), "tls.key": b64("junk") }, pair.certPem, pair.privateKeyPem)!, /cannot read the key pair/);
    });
});
