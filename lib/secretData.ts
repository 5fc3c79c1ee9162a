import type { PlatformSecret } from "../components/catalog/secrets";

/**
 * What a platform secret's Kubernetes Secret holds, made from its one config value. Most hold the value under one
 * key; two are built from it in the form their reader takes.
 */
export function secretData(s: PlatformSecret, value: string): Record<string, string> {
    switch (s.format) {
        case "nvcrPullSecret": {
            // NVIDIA's NGC image pull secret: user `$oauthtoken`, the NGC API key as password (NIM operator docs, "Image
            // pull secrets"; k8s-nim-operator test/e2e/e2e_test.go builds the same document).
            const user = "$oauthtoken";
            return { ".dockerconfigjson": JSON.stringify({ auths: { "nvcr.io": { username: user, password: value, auth: Buffer.from(`${user}:${value}`).toString("base64") } } }) };
        }
        case "argocdRepoCreds": {
            // Argo CD reads credentials only from Secrets labelled argocd.argoproj.io/secret-type (repository or
            // repo-creds) with url, type, username, password and enableOCI for an OCI registry (Argo CD docs,
            // operator-manual/argocd-repo-creds.yaml). The value is the registry's .dockerconfigjson: its first registry.
            let auths: Record<string, { username?: string; password?: string; auth?: string }> | undefined;
            try {
                auths = (JSON.parse(value) as { auths?: typeof auths }).auths;
            } catch {
                auths = undefined;
            }
            const first = auths && typeof auths === "object" ? Object.entries(auths)[0] : undefined;
            if (!first) throw new Error(`${s.key} is not a .dockerconfigjson document with a registry under auths`);
            const [registry, entry] = first;
            // `auth` is base64 of "user:password" (Docker's config format); without a ":" it is a bare token.
            const decoded = entry.auth ? Buffer.from(entry.auth, "base64").toString("utf8") : "";
            const colon = decoded.indexOf(":");
            const username = entry.username ?? (colon >= 0 ? decoded.slice(0, colon) : "");
            const password = entry.password ?? (colon >= 0 ? decoded.slice(colon + 1) : decoded);
            return { type: "helm", enableOCI: "true", url: registry.replace(/^https?:\/\//, ""), username, password };
        }
        default:
            return { [s.dataKey]: value };
    }
}

/** The keys a platform secret's Secret holds (what a consumer may read). */
export function secretKeys(s: PlatformSecret): string[] {
    if (s.format === "nvcrPullSecret") return [".dockerconfigjson"];
    if (s.format === "argocdRepoCreds") return ["type", "enableOCI", "url", "username", "password"];
    return [s.dataKey];
}
