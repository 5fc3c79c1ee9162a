import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { ConfigProblems } from "../lib/problems";
import { parseClusterConfig, RawConfig } from "./parse";
import { ClusterConfig, project } from "./types";

/** Secret config values, each an Output marked secret: they never pass through the plain ClusterConfig. */
export interface ClusterSecrets {
    readonly kubeconfig?: pulumi.Output<string>;
    readonly githubToken?: pulumi.Output<string>;
    readonly repoToken?: pulumi.Output<string>;
    readonly sealingKey?: pulumi.Output<string>;
    readonly sealingCert?: pulumi.Output<string>;
    /** Platform secrets by config key (ngcApiKey, ...). */
    readonly platform: Readonly<Record<string, pulumi.Output<string>>>;
}

export interface StackConfig {
    readonly config: ClusterConfig;
    readonly secrets: ClusterSecrets;
}

/**
 * The SDK's own test of whether a config key was set with --secret. It is marked internal (absent from the
 * typings), so test/runtime.test.ts fails if a new SDK drops it.
 */
export const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret;

/** The raw stack config as the runtime holds it. */
export function rawConfig(): RawConfig {
    const values = pulumi.runtime.allConfig();
    // The stack's name is the file's (Pulumi.<stack>.yaml): its cluster must be the same one.
    return { values, secretKeys: new Set(Object.keys(values).filter((k) => isConfigSecret(k))), stack: pulumi.getStack() };
}

/**
 * The only place that reads Pulumi config. Every problem becomes one line of a RunError, which the engine
 * prints without a stack trace, before any resource is registered.
 */
export function loadStackConfig(raw: RawConfig = rawConfig()): StackConfig {
    try {
        const config = parseClusterConfig(raw);
        const cfg = new pulumi.Config(project);
        const get = (key: string) => (raw.values[`${project}:${key}`] === undefined ? undefined : cfg.requireSecret(key));
        const platform: Record<string, pulumi.Output<string>> = {};
        for (const s of config.secrets) {
            const v = get(s.key);
            if (v) platform[s.key] = v;
        }
        const secrets: ClusterSecrets = {
            ...opt("kubeconfig", get("kubeconfig")),
            ...opt("githubToken", get("githubToken")),
            ...opt("repoToken", get("repoToken")),
            ...opt("sealingKey", get("sealingKey")),
            ...opt("sealingCert", get("sealingCert")),
            platform,
        };
        return { config, secrets };
    } catch (e) {
        if (e instanceof ConfigProblems) throw new pulumi.RunError(e.message);
        throw e;
    }
}

function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
    return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
