import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { keySecretDifference, pemText } from "../../lib/certs";

export interface SealingKeyPair {
    /** A key generation's name (see sealedSecrets.rotation); names its Secret. */
    readonly generation: string;
    readonly privateKeyPem: pulumi.Input<string>;
    readonly certPem: pulumi.Input<string>;
}

export interface SealedSecretsKeyArgs {
    /** The controller's namespace: it loads every active key Secret there at start-up. */
    readonly namespace: string;
    /** That namespace's resource in the stack's namespace registry (protected there). */
    readonly namespaceResource: pulumi.Resource;
    /** Adopting a cluster the seed built: its Day 1 already injected the key Secrets; import them, never create. */
    readonly adopt?: boolean;
    /** Every key generation still active, oldest first; the last one seals. */
    readonly keys: readonly SealingKeyPair[];
    /** What must be ready first (Argo CD, repository access). */
    readonly after: readonly pulumi.Resource[];
}

export const sealingKeyLabel = "sealedsecrets.bitnami.com/sealed-secrets-key";

/** The key Secret of a generation, in the controller's namespace. */
export const keySecretName = (generation: string) => `sealed-secrets-key-${generation}`;

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
        this.secrets = args.keys.map((k) => {
            const secret = `${args.namespace}/${keySecretName(k.generation)}`;
            // The PEMs as the cluster stores them (lib/certs.ts pemText), so an adopted key compares byte for byte.
            let certPem = pulumi.output(k.certPem).apply(pemText);
            const keyPem = pulumi.secret(pulumi.output(k.privateKeyPem).apply(pemText));
            if (args.adopt) {
                // Adoption reads the cluster's key first and stops with one line naming what differs, rather than the
                // engine's "cannot replace a protected resource".
                const live = k8s.core.v1.Secret.get(`${name}-${k.generation}-live`, secret, { parent: this });
                certPem = pulumi.all([live.data, certPem, keyPem]).apply(([data, cert, key]) => {
                    const problem = keySecretDifference(secret, data, cert, key);
                    if (problem) throw new pulumi.RunError(problem);
                    return cert;
                });
            }
            return new k8s.core.v1.Secret(`${name}-${k.generation}`, {
            metadata: {
                name: keySecretName(k.generation),
                namespace: args.namespace,
                labels: { [sealingKeyLabel]: "active", "app.kubernetes.io/managed-by": "pulumi" },
            },
            type: "kubernetes.io/tls",
            stringData: { "tls.crt": certPem, "tls.key": keyPem },
        }, {
            parent: this,
            dependsOn: [...args.after, args.namespaceResource],
            // Losing the key loses every SealedSecret in Git: Pulumi refuses to delete it, and never deletes it in the cluster.
            protect: true,
            retainOnDelete: true,
            // Adoption: the Secret exists. The import is followed by an update in the same run (engine >= 3.174);
            // Secret data is replace-on-change (pulumi-kubernetes diff.go forceNewProperties), so a key that differs
            // from the fleet key is a replacement of a protected resource, which Pulumi refuses: nothing is lost.
            ...(args.adopt ? { import: `${args.namespace}/${keySecretName(k.generation)}` } : {}),
            additionalSecretOutputs: ["stringData", "data"],
        });
        });
        this.activeCert = pulumi.output(args.keys[args.keys.length - 1].certPem);
        this.registerOutputs({ activeCert: this.activeCert });
    }
}
