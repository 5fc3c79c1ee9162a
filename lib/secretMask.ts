/** The SDK's markers in serialized properties (sdk/nodejs/runtime/rpc.ts): a secret, and a resource reference. */
export const specialSigKey = "4dabf18193072939515e22adb298388d";
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";
export const resourceSig = "5cf8f73096256a8f31e491e813e4eb8e";
export const masked = "[secret]";

/** Replace every secret with "[secret]" and every resource reference with its URN. */
export function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(maskSecrets);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[specialSigKey] === secretSig) return masked;
        if (o[specialSigKey] === resourceSig) return o.urn;
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, maskSecrets(v)]));
    }
    return value;
}

/** Whether any plain (non-secret) part of `value` contains `needle`. */
export function plainContains(value: unknown, needle: string): boolean {
    return JSON.stringify(maskSecrets(value)).includes(needle);
}
