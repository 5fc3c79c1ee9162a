import type * as github from "@pulumi/github";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { githubSdk, tlsSdk } from "../sdks";
import type { ClusterConfig } from "../../stacks/types";

export interface RepositoryAccessArgs {
    readonly cluster: string;
    readonly gitops: ClusterConfig["gitops"];
    /** Argo CD's namespace, where its repository Secrets live. */
    readonly argocdNamespace: string;
    /** HTTPS token (access = token). */
    readonly repoToken?: pulumi.Input<string>;
    /** Explicit GitHub provider (access = deployKey). */
    readonly githubProvider?: github.Provider;
    /** What must be ready first (Argo CD). */
    readonly after: readonly pulumi.Resource[];
}

/**
 * Argo CD's credentials for the GitOps repository: a read-only SSH deploy key per cluster registered on GitHub,
 * or an HTTPS token; nothing for a public repository.
 */
export class RepositoryAccess extends pulumi.ComponentResource {
    /** Depend on these to wait for the credentials; empty for a public repository. */
    readonly ready: readonly pulumi.Resource[];
    readonly publicKey?: pulumi.Output<string>;

    constructor(name: string, args: RepositoryAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:bootstrap:RepositoryAccess", name, {}, opts);
        const g = args.gitops;
        const metadata = {
            name: `${name}-gitops-repo`,
            namespace: args.argocdNamespace,
            labels: { "argocd.argoproj.io/secret-type": "repository", "app.kubernetes.io/managed-by": "pulumi" },
        };
        if (g.access === "deployKey") {
            const key = new (tlsSdk().PrivateKey)(`${name}-deploy-key`, { algorithm: "ED25519" }, { parent: this });
            const deployKey = new (githubSdk().RepositoryDeployKey)(`${name}-deploy-key`, {
                repository: g.github!.repository,
                title: `argocd ${args.cluster}`,
                key: key.publicKeyOpenssh,
                readOnly: true,
            }, { parent: this, dependsOn: [...args.after], ...(args.githubProvider ? { provider: args.githubProvider } : {}) });
            const secret = new k8s.core.v1.Secret(`${name}-repository`, {
                metadata,
                stringData: { type: "git", url: g.repoUrl, sshPrivateKey: pulumi.secret(key.privateKeyOpenssh) },
            }, { parent: this, dependsOn: [...args.after, deployKey], additionalSecretOutputs: ["stringData", "data"] });
            this.ready = [deployKey, secret];
            this.publicKey = key.publicKeyOpenssh;
        } else if (g.access === "token") {
            const secret = new k8s.core.v1.Secret(`${name}-repository`, {
                metadata,
                stringData: { type: "git", url: g.repoUrl, username: "git", password: pulumi.secret(args.repoToken!) },
            }, { parent: this, dependsOn: [...args.after], additionalSecretOutputs: ["stringData", "data"] });
            this.ready = [secret];
        } else {
            this.ready = [];
        }
        this.registerOutputs({ access: g.access, ...(this.publicKey ? { publicKey: this.publicKey } : {}) });
    }
}
