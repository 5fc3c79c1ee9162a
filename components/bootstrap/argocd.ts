import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { healthChecks, healthChecksAsArgoCdCm } from "../../lib/health";
import type { ClusterConfig } from "../../stacks/types";

export interface ArgoCdArgs {
    readonly argocd: ClusterConfig["argocd"];
    readonly mirror?: ClusterConfig["mirror"];
}

const marketplace = "openshift-marketplace";
const operatorNamespace = "openshift-gitops-operator";
/** The operator creates this instance itself; we patch it rather than own it. */
const defaultInstance = "openshift-gitops";

/**
 * Argo CD for the cluster, in one of three flavors. `ready` holds until Argo CD is available: everything after
 * the bootstrap depends on it.
 */
export class ArgoCd extends pulumi.ComponentResource {
    readonly namespace: string;
    /** Depend on these to wait for Argo CD; empty for an existing install. */
    readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:bootstrap:ArgoCd", name, {}, opts);
        const a = args.argocd;
        this.namespace = a.namespace;
        const parent = { parent: this };
        if (a.flavor === "existing") {
            this.ready = [];
        } else if (a.flavor === "helm") {
            const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: a.namespace } }, { ...parent, retainOnDelete: true });
            // The Release awaits every object of the chart: it completes once Argo CD's Deployments are available.
            const release = new k8s.helm.v3.Release(`${name}-release`, {
                name: "argo-cd",
                chart: "argo-cd",
                version: a.chartVersion,
                namespace: ns.metadata.name,
                repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
                values: {
                    configs: { cm: healthChecksAsArgoCdCm() },
                    controller: { env: [{ name: "ARGOCD_SYNC_WAVE_DELAY", value: "2" }] },
                },
            }, { ...parent, customTimeouts: { create: "20m", update: "20m" } });
            this.ready = [release];
        } else {
            this.ready = this.openShiftGitOps(name, args);
        }
        this.registerOutputs({ namespace: this.namespace, flavor: a.flavor });
    }

    private openShiftGitOps(name: string, args: ArgoCdArgs): pulumi.Resource[] {
        const a = args.argocd;
        const parent = { parent: this };
        let source = a.catalogSource;
        const before: pulumi.Resource[] = [];
        if (args.mirror) {
            // Disconnected: the operator's own images and catalog must resolve before it installs. Names differ from
            // what platform-idms and platform-catalogsources manage later, so the two never fight over one object.
            before.push(new k8s.apiextensions.CustomResource(`${name}-bootstrap-mirror`, {
                apiVersion: "config.openshift.io/v1",
                kind: "ImageDigestMirrorSet",
                metadata: { name: "saif-bootstrap-mirror" },
                spec: {
                    imageDigestMirrors: ["registry.redhat.io", "registry.access.redhat.com", "quay.io"].map((s) => ({
                        source: s,
                        mirrors: [`${args.mirror!.registry}/${s.split(".")[0]}`],
                    })),
                },
            }, parent));
            source = "saif-bootstrap-gitops-catalog";
            before.push(new k8s.apiextensions.CustomResource(`${name}-bootstrap-catalog`, {
                apiVersion: "operators.coreos.com/v1alpha1",
                kind: "CatalogSource",
                metadata: {
                    name: source,
                    namespace: marketplace,
                    annotations: { "pulumi.com/waitFor": "jsonpath={.status.connectionState.lastObservedState}=READY" },
                },
                spec: { sourceType: "grpc", image: args.mirror.gitopsCatalogImage, displayName: "GitOps operator (bootstrap mirror)" },
            }, { ...parent, dependsOn: [...before] }));
        }
        const ns = new k8s.core.v1.Namespace(`${name}-operator-namespace`, {
            metadata: { name: operatorNamespace, labels: { "openshift.io/cluster-monitoring": "true" } },
        }, { ...parent, retainOnDelete: true });
        const group = new k8s.apiextensions.CustomResource(`${name}-operator-group`, {
            apiVersion: "operators.coreos.com/v1",
            kind: "OperatorGroup",
            metadata: { name: "openshift-gitops-operator", namespace: ns.metadata.name },
            spec: { upgradeStrategy: "Default" },
        }, parent);
        const subscription = new k8s.apiextensions.CustomResource(`${name}-subscription`, {
            apiVersion: "operators.coreos.com/v1alpha1",
            kind: "Subscription",
            metadata: {
                name: "openshift-gitops-operator",
                namespace: ns.metadata.name,
                // A Subscription is "healthy" long before its operator is installed; wait for the CSV to be current.
                annotations: { "pulumi.com/waitFor": JSON.stringify(["jsonpath={.status.installedCSV}", "jsonpath={.status.state}=AtLatestKnown"]) },
            },
            spec: {
                channel: a.channel,
                installPlanApproval: a.approval,
                name: "openshift-gitops-operator",
                source,
                sourceNamespace: marketplace,
            },
        }, { ...parent, dependsOn: [group, ...before], customTimeouts: { create: "30m", update: "30m" } });

        const spec = {
            resourceHealthChecks: healthChecks.map((h) => ({ group: h.group, kind: h.kind, check: h.check })),
        };
        const metadata = {
            name: defaultInstance,
            namespace: a.namespace,
            annotations: {
                "pulumi.com/waitFor": "jsonpath={.status.phase}=Available",
                // Server-side apply takes over only the fields we set; the operator keeps the rest.
                "pulumi.com/patchForce": "true",
            },
        };
        const opts = { ...parent, dependsOn: [subscription], customTimeouts: { create: "20m", update: "20m" } };
        let instance: pulumi.CustomResource;
        if (a.namespace === defaultInstance) {
            instance = new k8s.apiextensions.CustomResourcePatch(`${name}-instance`, { apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD", metadata, spec }, opts);
        } else {
            const own = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: a.namespace } }, { ...parent, retainOnDelete: true });
            instance = new k8s.apiextensions.CustomResource(`${name}-instance`, {
                apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD", metadata: { ...metadata, name: "argocd", namespace: own.metadata.name }, spec,
            }, opts);
        }
        const instanceName = a.namespace === defaultInstance ? defaultInstance : "argocd";
        // The operator's controller role is fixed; this role adds the cluster-scoped kinds the catalog deploys.
        const role = new k8s.rbac.v1.ClusterRole(`${name}-platform-role`, {
            metadata: { name: "saif-platform-argocd-application-controller" },
            rules: [
                { apiGroups: ["config.openshift.io"], resources: ["imagedigestmirrorsets", "imagetagmirrorsets"], verbs: ["*"] },
                { apiGroups: ["security.openshift.io"], resources: ["securitycontextconstraints"], verbs: ["*"] },
                { apiGroups: ["operators.coreos.com"], resources: ["catalogsources", "subscriptions", "operatorgroups", "clusterserviceversions"], verbs: ["*"] },
                { apiGroups: ["nvidia.com"], resources: ["clusterpolicies"], verbs: ["*"] },
                { apiGroups: ["apps.nvidia.com"], resources: ["nimservices", "nimcaches"], verbs: ["*"] },
                { apiGroups: ["nfd.openshift.io"], resources: ["nodefeaturediscoveries"], verbs: ["*"] },
                { apiGroups: ["lvm.topolvm.io"], resources: ["lvmclusters"], verbs: ["*"] },
                { apiGroups: ["cilium.io"], resources: ["tracingpolicies", "tracingpoliciesnamespaced"], verbs: ["*"] },
                { apiGroups: ["clickhouse.altinity.com"], resources: ["clickhouseinstallations"], verbs: ["*"] },
                { apiGroups: ["bitnami.com"], resources: ["sealedsecrets"], verbs: ["*"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "clusterrolebindings"], verbs: ["*"] },
                { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["*"] },
                { apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"], verbs: ["*"] },
            ],
        }, parent);
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-platform-binding`, {
            metadata: { name: "saif-platform-argocd-application-controller" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: `${instanceName}-argocd-application-controller`, namespace: a.namespace }],
        }, parent);
        return [instance, binding];
    }
}
