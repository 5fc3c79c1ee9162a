import {
    constants, createCipheriv, createHash, createHmac, createPublicKey, KeyObject, publicEncrypt, randomBytes, X509Certificate,
} from "node:crypto";

/**
 * Sealing in the Sealed Secrets controller's own format (pkg/crypto/crypto.go), with Node's crypto, no kubeseal:
 *   uint16 big-endian length of the RSA ciphertext || RSA-OAEP(SHA-256, label) of a 32-byte session key
 *   || AES-256-GCM(session key, 12 zero bytes as nonce, no AAD) of the value, with its 16-byte tag,
 * base64 (standard, padded) in spec.encryptedData.
 */

export type SealingScope = "strict" | "namespace-wide" | "cluster-wide";

/** The OAEP label: "namespace/name" (strict, with a slash, as the controller's code has it), "namespace", or empty. */
export function scopeLabel(namespace: string, name: string, scope: SealingScope = "strict"): string {
    if (scope === "cluster-wide") return "";
    if (scope === "namespace-wide") return namespace;
    return `${namespace}/${name}`;
}

export interface Sealer {
    /** The certificate's public key. */
    readonly key: KeyObject;
    /** SHA-256 fingerprint of the certificate (hex), recorded on what it sealed. */
    readonly fingerprint: string;
    /**
     * Secret material for deterministic sealing: with it, the same value, label and certificate always seal to the
     * same bytes, so unchanged secrets never churn in Git. Derived from the fleet private key, never published.
     */
    readonly deterministicKey?: Buffer;
}

export function sealerFor(certPem: string, fleetPrivateKeyPem?: string): Sealer {
    const cert = new X509Certificate(certPem);
    if (cert.publicKey.asymmetricKeyType !== "rsa") throw new Error("the sealing certificate is not an RSA certificate");
    const fingerprint = createHash("sha256").update(cert.raw).digest("hex");
    return {
        key: createPublicKey(cert.publicKey.export({ type: "spki", format: "pem" })),
        fingerprint,
        ...(fleetPrivateKeyPem
            ? { deterministicKey: createHmac("sha256", "saif-platform sealing v1").update(fleetPrivateKeyPem).digest() }
            : {}),
    };
}

function mgf1(seed: Buffer, length: number): Buffer {
    const out: Buffer[] = [];
    for (let counter = 0; out.length * 32 < length; counter++) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter);
        out.push(createHash("sha256").update(seed).update(c).digest());
    }
    return Buffer.concat(out).subarray(0, length);
}

/** RSA-OAEP (RFC 8017, SHA-256 and MGF1-SHA-256) with a given seed, through the raw RSA primitive. */
function oaepEncrypt(key: KeyObject, message: Buffer, label: Buffer, seed: Buffer): Buffer {
    const k = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
    const hLen = 32;
    if (message.length > k - 2 * hLen - 2) throw new Error("message too long for RSA-OAEP");
    const lHash = createHash("sha256").update(label).digest();
    const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
    const dbMask = mgf1(seed, db.length);
    const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]));
    const seedMask = mgf1(maskedDb, hLen);
    const maskedSeed = Buffer.from(seed.map((b, i) => b ^ seedMask[i]));
    const em = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
    return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, em);
}

/** Seal one value for a label. */
export function sealValue(sealer: Sealer, value: string | Buffer, label: string): string {
    const plaintext = Buffer.isBuffer(value) ? value : Buffer.from(value, "utf8");
    const labelBytes = Buffer.from(label, "utf8");
    let sessionKey: Buffer;
    let rsa: Buffer;
    if (sealer.deterministicKey) {
        // Keyed by the fleet's secret: equal inputs give equal bytes, and nobody without the key can test a guess.
        const material = createHmac("sha256", sealer.deterministicKey)
            .update(sealer.fingerprint).update("\0").update(labelBytes).update("\0").update(plaintext).digest();
        sessionKey = createHmac("sha256", material).update("session-key").digest();
        rsa = oaepEncrypt(sealer.key, sessionKey, labelBytes, createHmac("sha256", material).update("oaep-seed").digest());
    } else {
        sessionKey = randomBytes(32);
        rsa = publicEncrypt({ key: sealer.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: labelBytes }, sessionKey);
    }
    const cipher = createCipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsa.length);
    return Buffer.concat([length, rsa, body]).toString("base64");
}

export interface SecretToSeal {
    readonly namespace: string;
    readonly name: string;
    readonly type: string;
    /** Keys and plain values; each is sealed separately with the same label, as kubeseal does. */
    readonly data: Readonly<Record<string, string>>;
    readonly scope?: SealingScope;
    readonly labels?: Readonly<Record<string, string>>;
}

export const certAnnotation = "saif.io/sealed-with-cert-sha256";

/** A SealedSecret object for the controller (bitnami.com/v1alpha1). */
export function sealSecret(sealer: Sealer, s: SecretToSeal): Record<string, unknown> {
    const scope = s.scope ?? "strict";
    const label = scopeLabel(s.namespace, s.name, scope);
    const annotations: Record<string, string> = { [certAnnotation]: sealer.fingerprint };
    // The controller reads the scope from the SealedSecret's own annotations when it unseals.
    if (scope === "namespace-wide") annotations["sealedsecrets.bitnami.com/namespace-wide"] = "true";
    if (scope === "cluster-wide") annotations["sealedsecrets.bitnami.com/cluster-wide"] = "true";
    return {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name: s.name, namespace: s.namespace, annotations },
        spec: {
            encryptedData: Object.fromEntries(Object.keys(s.data).sort().map((k) => [k, sealValue(sealer, s.data[k], label)])),
            template: {
                metadata: { name: s.name, namespace: s.namespace, ...(s.labels ? { labels: { ...s.labels } } : {}) },
                type: s.type,
            },
        },
    };
}
