import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface SealingKeyPair {
    /** A key generation's name (see sealedSecrets.rotation); names its Secret. */
    readonly generation: string;
    readonly privateKeyPem: pulumi.Input<string>;
    readonly certPem: pulumi.Input<string>;
}

export interface SealedSecretsKeyArgs {
    /** The controller's namespace: it loads every active key Secret there at start-up. */
    readonly namespace: string;
    /** Every key generation still active, oldest first; the last one seals. */
    readonly keys: readonly SealingKeyPair[];
    /** What must be ready first (Argo CD, repository access). */
    readonly after: readonly pulumi.Resource[];
}

export const sealingKeyLabel = "sealedsecrets.bitnami.com/sealed-secrets-key";

/**
 * The fleet's Sealed Secrets key on this cluster: one `kubernetes.io/tls` Secret per active generation, created
 * before the controller so it starts with the fleet key and never makes one of its own. Old generations stay, so
 * what was sealed with them still opens.
 */
export class SealedSecretsKey extends pulumi.ComponentResource {
    readonly secrets: readonly k8s.core.v1.Secret[];
    /** The certificate that seals (for `kubeseal --cert`). */
    readonly activeCert: pulumi.Output<string>;

    constructor(name: string, args: SealedSecretsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:bootstrap:SealedSecretsKey", name, {}, opts);
        // Deleting the namespace would delete the keys: it is kept whatever happens to the stack.
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace } },
            { parent: this, protect: true, retainOnDelete: true, dependsOn: [...args.after] });
        this.secrets = args.keys.map((k) => new k8s.core.v1.Secret(`${name}-${k.generation}`, {
            metadata: {
                name: `sealed-secrets-key-${k.generation}`,
                namespace: ns.metadata.name,
                labels: { [sealingKeyLabel]: "active", "app.kubernetes.io/managed-by": "pulumi" },
            },
            type: "kubernetes.io/tls",
            stringData: { "tls.crt": k.certPem, "tls.key": pulumi.secret(k.privateKeyPem) },
        }, {
            parent: this,
            dependsOn: [...args.after],
            // Losing the key loses every SealedSecret in Git: Pulumi refuses to delete it, and never deletes it in the cluster.
            protect: true,
            retainOnDelete: true,
            additionalSecretOutputs: ["stringData", "data"],
        }));
        this.activeCert = pulumi.output(args.keys[args.keys.length - 1].certPem);
        this.registerOutputs({ activeCert: this.activeCert });
    }
}
