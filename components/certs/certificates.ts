import * as certmanager from "@pulumi/kubernetes-cert-manager";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../stacks/types";

export interface PlatformCertificatesArgs {
    readonly certManager: ClusterConfig["certManager"];
    readonly cluster: string;
    readonly argocdNamespace: string;
    readonly after: readonly pulumi.Resource[];
}

const ready = { "pulumi.com/waitFor": "condition=Ready" };

/**
 * cert-manager (through @pulumi/kubernetes-cert-manager), a ClusterIssuer from config, and the certificates of the
 * UIs the platform exposes. Components that serve them wait for their certificate like for a dependency.
 */
export class PlatformCertificates extends pulumi.ComponentResource {
    /** The certificates, by the component that serves them. */
    readonly gates: ReadonlyMap<string, readonly pulumi.Resource[]>;

    constructor(name: string, args: PlatformCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:certs:PlatformCertificates", name, {}, opts);
        const c = args.certManager;
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: "cert-manager" } },
            { parent: this, dependsOn: [...args.after], retainOnDelete: true });
        const manager = new certmanager.CertManager(`${name}-cert-manager`, {
            installCRDs: true,
            helmOptions: { namespace: ns.metadata.name },
        }, { parent: this });
        let issuerName = "saif-acme";
        let issuerDeps: pulumi.Resource[];
        if (c.issuer === "acme") {
            issuerDeps = [new k8s.apiextensions.CustomResource(`${name}-acme-issuer`, {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                metadata: { name: issuerName, annotations: ready },
                spec: {
                    acme: {
                        server: c.acmeServer,
                        email: c.acmeEmail,
                        privateKeySecretRef: { name: "saif-acme-account-key" },
                        solvers: [{ http01: { ingress: {} } }],
                    },
                },
            }, { parent: this, dependsOn: [manager] })];
        } else {
            // A lab CA: a self-signed issuer signs the CA certificate, and the CA issuer signs the UIs' certificates.
            const selfSigned = new k8s.apiextensions.CustomResource(`${name}-selfsigned-issuer`, {
                apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer",
                metadata: { name: "saif-selfsigned", annotations: ready }, spec: { selfSigned: {} },
            }, { parent: this, dependsOn: [manager] });
            const ca = new k8s.apiextensions.CustomResource(`${name}-ca`, {
                apiVersion: "cert-manager.io/v1", kind: "Certificate",
                metadata: { name: "saif-ca", namespace: ns.metadata.name, annotations: ready },
                spec: {
                    isCA: true, commonName: `saif-platform ${args.cluster} CA`, secretName: "saif-ca",
                    privateKey: { algorithm: "ECDSA", size: 256 },
                    issuerRef: { name: "saif-selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
                },
            }, { parent: this, dependsOn: [selfSigned] });
            issuerName = "saif-ca";
            issuerDeps = [new k8s.apiextensions.CustomResource(`${name}-ca-issuer`, {
                apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer",
                metadata: { name: issuerName, annotations: ready }, spec: { ca: { secretName: "saif-ca" } },
            }, { parent: this, dependsOn: [ca] })];
        }
        const certificate = (resource: string, namespace: string, secretName: string, dnsName: string) => {
            const nsObj = new k8s.core.v1.Namespace(`${name}-${resource}-namespace`, { metadata: { name: namespace } },
                { parent: this, retainOnDelete: true, dependsOn: [...args.after] });
            return new k8s.apiextensions.CustomResource(`${name}-${resource}`, {
                apiVersion: "cert-manager.io/v1", kind: "Certificate",
                metadata: { name: secretName, namespace: nsObj.metadata.name, annotations: ready },
                spec: { secretName, dnsNames: [dnsName], issuerRef: { name: issuerName, kind: "ClusterIssuer", group: "cert-manager.io" } },
            }, { parent: this, dependsOn: issuerDeps });
        };
        const domain = c.domain ?? `apps.${args.cluster}.local`;
        const argocd = certificate("argocd-server", args.argocdNamespace, "argocd-server-tls", `argocd.${domain}`);
        const timescape = certificate("hubble-timescape-ui", "hubble-timescape", "hubble-timescape-ui-tls", `hubble-timescape.${domain}`);
        this.gates = new Map([["hubble-timescape", [timescape]], ["argocd", [argocd]]]);
        this.registerOutputs({ issuer: issuerName });
    }
}
