import { createPrivateKey, X509Certificate } from "node:crypto";

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
    if (new Date(cert.validTo) < now) return `expired on ${cert.validTo}; renew the fleet key (see "Key rotation" in README.md)`;
    return undefined;
}
