import type * as github from "@pulumi/github";
import { githubSdk } from "../sdks";
import * as k8s from "../k8s";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSecret } from "../catalog/secrets";
import { sealedSecretFile } from "../../lib/sealedFiles";
import { sealerFor } from "../../lib/seal";
import { secretData } from "../../lib/secretData";
import type { PlatformNamespaces } from "../bootstrap/namespaces";

export interface PlatformSecretsArgs {
    readonly cluster: string;
    /** The secrets the enabled components need, each with its value from secure config. */
    readonly secrets: readonly { readonly def: PlatformSecret; readonly value: pulumi.Output<string> }[];
    /** Option 1: commit SealedSecrets to the GitOps repository. */
    readonly commit?: { readonly repository: string; readonly branch: string; readonly certPem: pulumi.Input<string>; readonly fleetKeyPem: pulumi.Input<string> };
    /** Option 2: a GitHub Actions environment holding this cluster's secrets, for the injection workflow. */
    readonly environment?: { readonly repository: string };
    /** Option 2, done by Pulumi: the Kubernetes Secrets themselves (secret in state), into the registry's namespaces. */
    readonly direct?: { readonly namespaces: PlatformNamespaces };
    readonly after: readonly pulumi.Resource[];
}

const envName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/**
 * Gets the platform's secrets into the cluster without plain text anywhere but Pulumi's encrypted state: sealed
 * into Git, into a GitHub Actions environment, or straight into Kubernetes Secrets.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
    readonly files: Readonly<Record<string, github.RepositoryFile>> = {};
    /** What each consuming component must wait for, by component name. */
    readonly gates: ReadonlyMap<string, readonly pulumi.Resource[]>;
    /** The commit each delivering Application is pinned to (commitSealed): its marker file's commit. */
    readonly pins: ReadonlyMap<string, pulumi.Output<string>>;

    constructor(name: string, args: PlatformSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:secrets:PlatformSecrets", name, {}, opts);
        const gates = new Map<string, pulumi.Resource[]>();
        const pins = new Map<string, pulumi.Output<string>>();
        const files: Record<string, github.RepositoryFile> = {};
        const commit = args.commit;
        if (commit) {
            // One commit after another on the branch (GitHub refuses concurrent updates of one branch: 409), each
            // delivering folder's files then its marker.
            let previous: pulumi.Resource[] = [];
            const groups = new Map<string, { file: github.RepositoryFile; yaml: pulumi.Output<string> }[]>();
            for (const { def, value } of args.secrets) {
                const sealed = pulumi.all([value, commit.certPem, commit.fleetKeyPem]).apply(([v, cert, key]) => {
                    try {
                        return sealedSecretFile(def, v, sealerFor(cert, key));
                    } catch (e) {
                        throw new pulumi.ResourceError(`cannot seal ${def.key} with the fleet certificate: ${e instanceof Error ? e.message : String(e)}`, this);
                    }
                });
                // The sealed file is ciphertext meant for Git: reviewers see it in previews. Sealing is deterministic under
                // the fleet key, so an unchanged value gives the same bytes and no commit.
                const path = def.key;
                files[def.id ?? def.key] = new (githubSdk().RepositoryFile)(`${name}-${def.id ?? def.key}`, {
                    repository: commit.repository,
                    branch: commit.branch,
                    file: pulumi.unsecret(sealed.apply((f) => f.path)),
                    content: pulumi.unsecret(sealed.apply((f) => f.yaml)),
                    commitMessage: `sealed-secrets: update ${path} (saif-platform, ${args.cluster})`,
                    overwriteOnCreate: true,
                    // The file sits at a fleet-wide path that every cluster's stack writes: a delete from one stack
                    // (destroy, or commitSealed turned off) would delete it for all (RepositoryFile commits the removal).
                }, { parent: this, dependsOn: [...args.after, ...previous], retainOnDelete: true });
                previous = [files[def.id ?? def.key]];
                groups.set(def.sealedBy, [...(groups.get(def.sealedBy) ?? []), { file: files[def.id ?? def.key], yaml: pulumi.unsecret(sealed.apply((f) => f.yaml)) }]);
            }
            // Each delivering folder gets a marker whose content is the digest of its sealed files: it changes, and so
            // is committed again, whenever one of them does, so its commit is always one that holds them all. The
            // delivering Application is pinned to that commit (lib/gates.ts: a commit revision is also gated on
            // status.sync.revision), so its gate holds for these files, not for whatever Argo CD's next poll finds.
            // Argo CD's directory source reads only .yaml, .yml, .json and .jsonnet files (argo-cd reposerver/repository/repository.go
            // `manifestFile`, `findManifests` @ 37ee0097cf85), not this one.
            for (const [sealedBy, group] of groups) {
                const digest = pulumi.all(group.map((g) => g.yaml)).apply((texts) => createHash("sha256").update(texts.join("\0")).digest("hex"));
                const marker = new (githubSdk().RepositoryFile)(`${name}-${sealedBy}-revision`, {
                    repository: commit.repository,
                    branch: commit.branch,
                    file: `apps/${sealedBy}/.sealed-revision`,
                    content: digest.apply((d) => `${d}\n`),
                    commitMessage: `sealed-secrets: ${sealedBy} sealed files (saif-platform, ${args.cluster})`,
                    overwriteOnCreate: true,
                }, { parent: this, dependsOn: [...args.after, ...previous], retainOnDelete: true });
                previous = [marker];
                gates.set(sealedBy, [...group.map((g) => g.file), marker]);
                pins.set(sealedBy, marker.commitSha);
            }
        }
        if (args.environment) {
            const env = new (githubSdk().RepositoryEnvironment)(`${name}-environment`, {
                repository: args.environment.repository,
                environment: `cluster-${args.cluster}`,
            }, { parent: this, dependsOn: [...args.after] });
            // One environment secret per config key: a key that gives two Secrets (id) is there once.
            for (const { def, value } of args.secrets.filter((x) => !x.def.id)) {
                new (githubSdk().ActionsEnvironmentSecret)(`${name}-env-${def.key}`, {
                    repository: args.environment.repository,
                    environment: env.environment,
                    secretName: envName(def.key),
                    // `plaintextValue` is deprecated in @pulumi/github 6.x in favour of `value`.
                    value: pulumi.secret(value),
                }, { parent: this });
            }
        }
        if (args.direct) {
            const direct = args.direct;
            for (const { def, value } of args.secrets) {
                const namespace = def.namespace;
                const secret = new k8s.core.v1.Secret(`${name}-${def.id ?? def.key}`, {
                    metadata: { name: def.name, namespace, labels: { "app.kubernetes.io/managed-by": "pulumi", ...(def.labels ?? {}) } },
                    type: def.type,
                    stringData: pulumi.secret(value).apply((v) => secretData(def, v)),
                }, { parent: this, dependsOn: [...args.after, direct.namespaces.get(namespace)], additionalSecretOutputs: ["stringData", "data"] });
                for (const consumer of def.neededBy) gates.set(consumer, [...(gates.get(consumer) ?? []), secret]);
            }
        }
        this.files = files;
        this.gates = gates;
        this.pins = pins;
        this.registerOutputs({ files: Object.keys(files) });
    }
}
