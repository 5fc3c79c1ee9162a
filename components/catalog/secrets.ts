/**
 * The platform's secrets: each is one top-level secure config key (`pulumi config set --secret <key>`), sealed
 * into one SealedSecret at `apps/<sealedBy>/<app>/<name>.yaml`, read by the Application that delivers it.
 */
export interface PlatformSecret {
    /** The config key, without the project namespace. */
    readonly key: string;
    readonly description: string;
    /** Enabled components that consume it; it is required when any of them is enabled. */
    readonly neededBy: readonly string[];
    /** The Application that applies the SealedSecret. */
    readonly sealedBy: string;
    /** Sub-folder of the delivering Application's folder (`apps/<sealedBy>/<app>/`), named after the consuming app. */
    readonly app: string;
    /** The Secret the controller unseals into: strict scope, so sealed for exactly this namespace and name. */
    readonly namespace: string;
    readonly name: string;
    readonly dataKey: string;
    readonly type: string;
    /** Built from the value in the form its reader takes (lib/secretData.ts), instead of the value under dataKey. */
    readonly format?: "nvcrPullSecret" | "argocdRepoCreds";
    /** Labels of the Secret itself (what makes Argo CD read a repository credential). */
    readonly labels?: Readonly<Record<string, string>>;
    /** A docker-registry Secret's registries. */
    readonly registries?: readonly string[];
    /** The Secret's own name in resource names, where one config key gives two Secrets. */
    readonly id?: string;
}

export const platformSecrets: readonly PlatformSecret[] = [
    {
        // Argo CD's credential for the charts' OCI registry (a disconnected site's mirror): a repo-creds Secret built from
        // the registry's .dockerconfigjson, which Argo CD matches to every repository URL under that registry.
        key: "registryPullSecret", description: "Argo CD's credential for the charts' OCI registry (a .dockerconfigjson document; its first registry)",
        neededBy: ["argocd-config"], sealedBy: "argocd-config", app: "argocd-config", namespace: "openshift-gitops",
        name: "oci-registry-repo-creds", dataKey: ".dockerconfigjson", type: "Opaque", format: "argocdRepoCreds",
        labels: { "argocd.argoproj.io/secret-type": "repo-creds" },
    },
    {
        key: "splunkHecToken", description: "Splunk HEC token of the Splunk OTel collector and the dashboard reporter",
        neededBy: ["splunk-otel", "splunk-reporter"], sealedBy: "sealed-secrets", app: "splunk-otel",
        namespace: "splunk-otel", name: "splunk-access-token", dataKey: "splunk_platform_hec_token", type: "Opaque",
    },
    {
        key: "timescapePushApiPassword", description: "Hubble Timescape push-API credentials (used by vector-exporter)",
        neededBy: ["hubble-timescape", "vector-exporter"], sealedBy: "sealed-secrets", app: "hubble-timescape",
        namespace: "hubble-timescape", name: "timescape-push-api-credentials", dataKey: "password", type: "Opaque",
    },
    {
        // Intersight's API signs each request with an API key: its ID and its PEM private key (cgascoig/intersight-otel
        // README "Configuration": key_id, key_file; intersight_api/src/simplesigner.rs).
        key: "intersightApiKey", description: "Intersight API key's PEM private key (intersight-otel's poller)",
        neededBy: ["intersight-otel"], sealedBy: "sealed-secrets", app: "intersight-otel", namespace: "intersight-otel",
        name: "intersight-api-key", dataKey: "intersight-key", type: "Opaque",
    },
    {
        key: "intersightKeyId", description: "Intersight API key's ID (intersight-otel's poller)",
        neededBy: ["intersight-otel"], sealedBy: "sealed-secrets", app: "intersight-otel", namespace: "intersight-otel",
        name: "intersight-api-key-id", dataKey: "intersight-key-id", type: "Opaque",
    },
    {
        // The Intersight collector exports to the platform's Splunk too: the same HEC token, in its own namespace.
        key: "splunkHecToken", id: "splunkHecTokenIntersight", description: "Splunk HEC token of the Intersight collector",
        neededBy: ["intersight-otel"], sealedBy: "sealed-secrets", app: "intersight-otel", namespace: "intersight-otel",
        name: "splunk-access-token", dataKey: "splunk_platform_hec_token", type: "Opaque",
    },
    {
        key: "ngcApiKey", description: "NVIDIA NGC API key for NIM model downloads (GPU clusters)",
        neededBy: ["nim-cache", "nim-llm"], sealedBy: "sealed-secrets-gpu", app: "nim-llm", namespace: "nim", name: "ngc-api-key",
        dataKey: "NGC_API_KEY", type: "Opaque",
    },
    {
        // The NIM images (nvcr.io/nim/...) need an NGC login: the same key as a docker-registry Secret, named on the
        // NIMCache (source.ngc.pullSecret) and the NIMService (image.pullSecrets) by the serving patches.
        key: "ngcApiKey", id: "ngcPullSecret", description: "NGC image pull secret for the NIM images (from the NGC API key)",
        neededBy: ["nim-cache", "nim-llm"], sealedBy: "sealed-secrets-gpu", app: "nim-llm", namespace: "nim", name: "ngc-secret",
        dataKey: ".dockerconfigjson", type: "kubernetes.io/dockerconfigjson", format: "nvcrPullSecret", registries: ["nvcr.io"],
    },
];
