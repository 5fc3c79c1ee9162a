import { stringify } from "yaml";
import type { PlatformSecret } from "../components/catalog/secrets";
import { Sealer, sealSecret } from "./seal";
import { secretData } from "./secretData";

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
