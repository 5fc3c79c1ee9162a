import type { PlatformSecret } from "../components/catalog/secrets";
import { sealedFilePath } from "./sealedFiles";

/**
 * Whether each secret an enabled component needs reaches the cluster: a SealedSecret committed in its delivering
 * Application's folder (`npm run seal`), `secretDelivery.commitSealed` (pulumi up commits it), or
 * `secretDelivery.directSecrets` (pulumi up creates the Secret). Without one, the consumer's pods wait for a Secret
 * that never comes (CreateContainerConfigError) and its gate times out minutes later: `pulumi up` refuses up front.
 * (A GitHub environment holds the values for a workflow to inject; it delivers nothing by itself.)
 */
export function undeliveredSecrets(secrets: readonly PlatformSecret[], delivery: { commitSealed: boolean; directSecrets: boolean },
    enabled: ReadonlySet<string>, sealedFileExists: (path: string) => boolean, stack: string): string[] {
    if (delivery.commitSealed || delivery.directSecrets) return [];
    const lines: string[] = [];
    for (const s of secrets) {
        const path = sealedFilePath(s);
        if (sealedFileExists(path)) continue;
        const users = s.neededBy.filter((n) => enabled.has(n));
        lines.push(`saif-platform:${s.key}: ${s.namespace}/${s.name}, which ${users.map((u) => JSON.stringify(u)).join(" and ")} ${users.length > 1 ? "read" : "reads"}, is not delivered; ` +
            `commit its SealedSecret (npm run seal -- --stack ${stack} --values <file> --cert <pem> --out . writes ${path}), ` +
            "or set secretDelivery.commitSealed: true, or secretDelivery.directSecrets: true");
    }
    return lines;
}
