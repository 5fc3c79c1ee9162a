import { createHash, createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";

/** Why a sealing certificate cannot be used with its key, or undefined when it can. Never echoes key material. */
export function checkKeyPair(keyPem: string, certPem: string, now: Date): string | undefined {
    const certProblem = checkSealingCert(certPem, now);
    if (certProblem) return certProblem;
    let key;
    try {
        key = createPrivateKey(keyPem);
    } catch {
        return "sealingKey is not a PEM private key; give the key that belongs to this certificate";
    }
    return new X509Certificate(certPem).checkPrivateKey(key)
        ? undefined
        : "the certificate does not match sealingKey; give the certificate made from this key";
}

/** Why a certificate cannot seal (not PEM, not RSA, expired), or undefined. */
export function checkSealingCert(certPem: string, now: Date): string | undefined {
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(certPem);
    } catch {
        return "is not a PEM certificate; give the fleet's certificate (tls.crt of the sealing key Secret)";
    }
    if (cert.publicKey.asymmetricKeyType !== "rsa") {
        return `is a ${cert.publicKey.asymmetricKeyType ?? "non-RSA"} certificate; Sealed Secrets needs an RSA certificate`;
    }
    if (new Date(cert.validTo) < now) return `expired on ${cert.validTo}; renew the fleet key (see "Key rotation" in docs/reference.md)`;
    return undefined;
}

/**
 * A PEM as the cluster stores it: ending in exactly one newline. PEM encoders end with one (Go's encoding/pem
 * `Encode` writes "-----END ...-----\n", as the Sealed Secrets controller's key does), while `pulumi config set` strips
 * it (pulumi/pulumi pkg/cmd/pulumi/config/config.go `RemoveTrailingNewline`, and a shell's `$(...)` too). Without
 * this, adopting the cluster's key Secret would see other bytes and plan to replace a protected Secret.
 */
export function pemText(pem: string): string {
    // Only the one newline config strips is put back (a "\r" left of a CRLF ending gets its "\n"); nothing else
    // changes, so the bytes are the cluster's.
    return pem.endsWith("\n") ? pem : `${pem}\n`;
}

const fingerprint = (der: Buffer) => createHash("sha256").update(der).digest("hex").replace(/(..)(?!$)/g, "$1:").slice(0, 23);

/**
 * Whether the cluster's key Secret (its `tls.crt` and `tls.key`, base64 as the API returns them) holds the stack's key
 * pair; one line naming what differs (the certificate's and the private key's SHA-256 fingerprints, never the key).
 */
export function keySecretDifference(secret: string, live: { "tls.crt"?: string; "tls.key"?: string } | undefined, certPem: string, keyPem: string): string | undefined {
    if (!live?.["tls.crt"] || !live["tls.key"]) return `${secret}: the cluster's Secret has no tls.crt or tls.key; adopt only a key Secret the controller uses`;
    const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
    const certPrint = (pem: string) => fingerprint(new X509Certificate(pem).raw);
    const keyPrint = (pem: string) => fingerprint(createPublicKey(createPrivateKey(pem)).export({ type: "spki", format: "der" }));
    const differs: string[] = [];
    try {
        const [have, want] = [certPrint(decode(live["tls.crt"])), certPrint(certPem)];
        if (have !== want) differs.push(`certificate ${have}... on the cluster, ${want}... in the stack`);
        const [haveKey, wantKey] = [keyPrint(decode(live["tls.key"])), keyPrint(keyPem)];
        if (haveKey !== wantKey) differs.push(`private key (public half) ${haveKey}... on the cluster, ${wantKey}... in the stack`);
    } catch (e) {
        return `${secret}: cannot read the key pair (${e instanceof Error ? e.message : String(e)}); give the PEMs of the cluster's key Secret`;
    }
    if (differs.length === 0) return undefined;
    return `${secret}: the cluster's key is not the stack's: ${differs.join("; ")}; set sealingKey/sealingCert (or the fleet stack's generation) to the cluster's, or the cluster would lose every SealedSecret sealed for it`;
}
