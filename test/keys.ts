import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

export interface TestKeyPair {
    readonly privateKeyPem: string;
    readonly certPem: string;
}

/** An RSA key pair and a self-signed certificate made in the test (Node for the key, node-forge for the X.509). */
export function makeKeyPair(opts: { bits?: number; notAfter?: Date; notBefore?: Date; type?: "rsa" | "ec" } = {}): TestKeyPair {
    if (opts.type === "ec") {
        const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
        // node-forge cannot sign with EC; a certificate with an EC key comes from a fixed PEM in the test instead.
        return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), certPem: "" };
    }
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: opts.bits ?? 2048 });
    const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const key = forge.pki.privateKeyFromPem(pem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = "01";
    cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
    cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000);
    const attrs = [{ name: "commonName", value: "sealed-secret" }];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.sign(key, forge.md.sha256.create());
    return { privateKeyPem: pem, certPem: forge.pki.certificateToPem(cert) };
}
