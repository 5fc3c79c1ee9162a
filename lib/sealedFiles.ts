import { stringify } from "yaml";
import type { PlatformSecret } from "../components/catalog/secrets";
import { Sealer, sealSecret } from "./seal";
import { secretData, secretKeys } from "./secretData";

export interface SealedFile {
    /** Path in the GitOps repository: `apps/<the Application that delivers it>/<consumer>/<name>.yaml`. */
    readonly path: string;
    readonly yaml: string;
    readonly object: Record<string, unknown>;
}

export function sealedFilePath(s: PlatformSecret): string {
    // In the folder of the Application that applies it (each reads its own folder recursively), one folder per
    // consumer as in the seed's apps/sealed-secrets/<app>/.
    return `apps/${s.sealedBy}/${s.app}/${s.name}.yaml`;
}

/** One platform secret, sealed for its namespace and name (strict scope), as the file committed to Git. */
export function sealedSecretFile(s: PlatformSecret, value: string, sealer: Sealer): SealedFile {
    const object = sealSecret(sealer, {
        namespace: s.namespace,
        name: s.name,
        type: s.type,
        data: secretData(s, value),
        labels: { "app.kubernetes.io/part-of": "saif-platform", "saif.io/secret": s.key, ...(s.labels ?? {}) },
    });
    const header = `# SealedSecret for ${s.namespace}/${s.name} (${s.description}).\n` +
        "# Written by saif-platform (pulumi up, or npm run seal); opens only as this namespace/name, with the fleet key.\n";
    return { path: sealedFilePath(s), yaml: header + stringify(object, { lineWidth: 0 }), object };
}

/** What stands in for the ciphertext in an offline render: the real one needs the fleet key's certificate. */
export const standInCiphertext = "stand-in: pulumi up (or npm run seal) seals this value with the fleet key";

/**
 * The SealedSecret a stack's secret becomes, as the render shows it offline: the file, namespace, name, type, labels
 * and keys are the real ones (sealedSecretFile), the ciphertext a marked stand-in.
 */
export function standInSealedFile(s: PlatformSecret): { path: string; object: Record<string, unknown> } {
    const labels = { "app.kubernetes.io/part-of": "saif-platform", "saif.io/secret": s.key, ...(s.labels ?? {}) };
    return {
        path: sealedFilePath(s),
        object: {
            apiVersion: "bitnami.com/v1alpha1",
            kind: "SealedSecret",
            metadata: { name: s.name, namespace: s.namespace },
            spec: {
                encryptedData: Object.fromEntries(secretKeys(s).sort().map((k) => [k, standInCiphertext])),
                template: { metadata: { name: s.name, namespace: s.namespace, labels }, type: s.type },
            },
        },
    };
}
