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
}

export const platformSecrets: readonly PlatformSecret[] = [
    {
        key: "registryPullSecret", description: "OCI registry pull-secret of argocd-config (a .dockerconfigjson document)",
        neededBy: ["argocd-config"], sealedBy: "argocd-config", app: "argocd-config", namespace: "openshift-gitops",
        name: "oci-registry-pull-secret", dataKey: ".dockerconfigjson", type: "kubernetes.io/dockerconfigjson",
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
        key: "intersightApiKey", description: "Intersight API key of the Intersight OTel collector",
        neededBy: ["intersight-otel"], sealedBy: "sealed-secrets", app: "intersight-otel", namespace: "intersight-otel",
        name: "intersight-api-key", dataKey: "api-key", type: "Opaque",
    },
    {
        key: "ngcApiKey", description: "NVIDIA NGC API key for NIM model downloads (GPU clusters)",
        neededBy: ["nim-cache", "nim-llm"], sealedBy: "sealed-secrets-gpu", app: "nim-llm", namespace: "nim", name: "ngc-api-key",
        dataKey: "NGC_API_KEY", type: "Opaque",
    },
    {
        key: "nimWebserverPassword", description: "NIM webserver-credentials password (GPU clusters)",
        neededBy: ["nim-llm"], sealedBy: "sealed-secrets-gpu", app: "nim-llm", namespace: "nim",
        name: "webserver-credentials", dataKey: "password", type: "Opaque",
    },
];
