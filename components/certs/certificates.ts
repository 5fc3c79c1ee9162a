import { certManagerSdk } from "../sdks";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../stacks/types";
import type { PlatformNamespaces } from "../bootstrap/namespaces";

export interface PlatformCertificatesArgs {
    readonly certManager: ClusterConfig["certManager"];
    readonly cluster: string;
    readonly argocdNamespace: string;
    /** The stack's namespace registry: cert-manager's and the certificates' namespaces are registered there. */
    readonly namespaces: PlatformNamespaces;
    /** Components that serve a certificate and are on. */
    readonly hubbleTimescape: boolean;
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
        // Pinned: without a version the provider resolves the newest chart on every preview and upgrades it on
        // every up (pulumi-kubernetes provider/pkg/provider/helm_release.go Check). The repository is configurable
        // for disconnected sites (the chart is fetched by the machine running Pulumi, in preview too).
        // With install false the cluster's own cert-manager serves (Red Hat's operator: its operand runs in the
        // hard-coded namespace cert-manager, openshift/cert-manager-operator README); a second one must never run.
        const manager = c.install ? new (certManagerSdk().CertManager)(`${name}-cert-manager`, {
            installCRDs: true,
            helmOptions: {
                namespace: "cert-manager",
                version: c.chartVersion,
                repositoryOpts: { repo: c.chartRepository },
            },
        }, { parent: this, dependsOn: [...args.after, args.namespaces.get("cert-manager")] }) : undefined;
        // What the issuers wait for: the chart, or (the cluster's cert-manager) the bootstrap. An issuer's Ready
        // condition is set by a running cert-manager controller, so the gates below hold either way.
        const base: pulumi.Resource[] = manager ? [manager] : [...args.after, args.namespaces.get("cert-manager")];
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
            }, { parent: this, dependsOn: base })];
        } else {
            // A lab CA: a self-signed issuer signs the CA certificate, and the CA issuer signs the UIs' certificates.
            const selfSigned = new k8s.apiextensions.CustomResource(`${name}-selfsigned-issuer`, {
                apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer",
                metadata: { name: "saif-selfsigned", annotations: ready }, spec: { selfSigned: {} },
            }, { parent: this, dependsOn: base });
            const ca = new k8s.apiextensions.CustomResource(`${name}-ca`, {
                apiVersion: "cert-manager.io/v1", kind: "Certificate",
                metadata: { name: "saif-ca", namespace: "cert-manager", annotations: ready },
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
        const certificate = (resource: string, namespace: string, secretName: string, dnsName: string) =>
            new k8s.apiextensions.CustomResource(`${name}-${resource}`, {
                apiVersion: "cert-manager.io/v1", kind: "Certificate",
                metadata: { name: secretName, namespace, annotations: ready },
                spec: { secretName, dnsNames: [dnsName], issuerRef: { name: issuerName, kind: "ClusterIssuer", group: "cert-manager.io" } },
            }, { parent: this, dependsOn: [...issuerDeps, args.namespaces.get(namespace)] });
        const domain = c.domain ?? `apps.${args.cluster}.local`;
        // No certificate for Argo CD's server: its Route is reencrypt, and the operator has the OpenShift service CA
        // sign `argocd-server-tls` for the Service (argocd-operator controllers/argocd/service.go, api/v1beta1
        // WantsAutoTLS); a cert-manager certificate in that Secret would replace the one the router trusts.
        // The NIM operator's webhook needs cert-manager running: the chart, or the cluster's issuer being Ready.
        const gates = new Map<string, pulumi.Resource[]>([["nim-operator", manager ? [manager] : issuerDeps]]);
        if (args.hubbleTimescape) {
            gates.set("hubble-timescape", [certificate("hubble-timescape-ui", "hubble-timescape", "hubble-timescape-ui-tls", `hubble-timescape.${domain}`)]);
        }
        this.gates = gates;
        this.registerOutputs({ issuer: issuerName });
    }
}
