import { constants, createDecipheriv, privateDecrypt } from "node:crypto";

/**
 * The controller's decryption, written from its documented format (refs: sealed-secrets NOTES.md, pkg/crypto
 * singleDecrypt), independently of lib/seal.ts: 2-byte big-endian RSA length, RSA-OAEP-SHA256 with the scope label,
 * then AES-256-GCM with a zero nonce and no AAD.
 */
export function openValue(privateKeyPem: string, base64: string, label: string): string {
    const blob = Buffer.from(base64, "base64");
    if (blob.length < 2) throw new Error("too short");
    const rsaLen = blob.readUInt16BE(0);
    if (blob.length < rsaLen + 2) throw new Error("too short");
    const sessionKey = privateDecrypt(
        { key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(label) },
        blob.subarray(2, rsaLen + 2),
    );
    const aes = blob.subarray(rsaLen + 2);
    const decipher = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
    decipher.setAuthTag(aes.subarray(aes.length - 16));
    return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]).toString("utf8");
}

interface SealedSecretLike {
    metadata: { name: string; namespace: string; annotations?: Record<string, string> };
    spec: { encryptedData: Record<string, string> };
}

/** Unseal as the controller does: the label comes from the SealedSecret's own metadata and scope annotations. */
export function openSealedSecret(privateKeyPem: string, s: SealedSecretLike): Record<string, string> {
    const a = s.metadata.annotations ?? {};
    const label = a["sealedsecrets.bitnami.com/cluster-wide"] === "true" ? ""
        : a["sealedsecrets.bitnami.com/namespace-wide"] === "true" ? s.metadata.namespace
        : `${s.metadata.namespace}/${s.metadata.name}`;
    return Object.fromEntries(Object.entries(s.spec.encryptedData).map(([k, v]) => [k, openValue(privateKeyPem, v, label)]));
}
