import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { controllerServiceAccount, marketplace, renderArgoCdInstance, renderSubscription } from "../../lib/argocdInstance";
import { healthChecksAsArgoCdCm } from "../../lib/health";
import { bootstrapSources, mirrorsFor } from "../../lib/mirrors";
import type { PolicyRule } from "../../lib/rights";
import type { ClusterConfig } from "../../stacks/types";

export interface ArgoCdArgs {
    readonly config: ClusterConfig;
    /** Argo CD's namespace, and for the openshift-gitops flavor the operator's (from the namespace registry). */
    readonly namespace?: pulumi.Resource;
    readonly operatorNamespace?: pulumi.Resource;
    /** What the controller needs beyond the operator's cluster-config role (lib/rights.ts `extraControllerRules`). */
    readonly controllerRules: readonly PolicyRule[];
}

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
        const a = args.config.argocd;
        this.namespace = a.namespace;
        const parent = { parent: this };
        if (a.flavor === "existing") {
            this.ready = [];
        } else if (a.flavor === "helm") {
            // The Release waits for every object of the chart with Helm's own timeout: the `timeout` input, 300 s by
            // default (pulumi-kubernetes provider/pkg/provider/helm_release.go defaultTimeoutSeconds, setDefaults);
            // customTimeouts do not change it.
            // Loaded here only: a plan of the other flavors never needs Helm.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const helm = require("@pulumi/kubernetes/helm/v3") as typeof import("@pulumi/kubernetes/helm/v3");
            const release = new helm.Release(`${name}-release`, {
                name: "argo-cd",
                chart: "argo-cd",
                version: a.chartVersion,
                namespace: a.namespace,
                repositoryOpts: { repo: a.chartRepository },
                timeout: 1200,
                values: {
                    configs: { cm: healthChecksAsArgoCdCm() },
                    controller: { env: [{ name: "ARGOCD_SYNC_WAVE_DELAY", value: "2" }] },
                },
            }, { ...parent, dependsOn: args.namespace ? [args.namespace] : [], customTimeouts: { create: "25m", update: "25m" } });
            this.ready = [release];
        } else {
            this.ready = this.openShiftGitOps(name, args);
        }
        this.registerOutputs({ namespace: this.namespace, flavor: a.flavor });
    }

    private openShiftGitOps(name: string, args: ArgoCdArgs): pulumi.Resource[] {
        const config = args.config;
        const parent = { parent: this };
        let source = config.argocd.catalogSource;
        const before: pulumi.Resource[] = [];
        if (config.mirror) {
            // Disconnected: the operator's own images and catalog must resolve before it installs. Names differ from
            // what platform-idms and platform-catalogsources manage later, so the two never fight over one object.
            before.push(new k8s.apiextensions.CustomResource(`${name}-bootstrap-mirror`, {
                apiVersion: "config.openshift.io/v1",
                kind: "ImageDigestMirrorSet",
                metadata: { name: "saif-bootstrap-mirror" },
                spec: {
                    imageDigestMirrors: mirrorsFor(config.mirror.registry, bootstrapSources),
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
                spec: { sourceType: "grpc", image: config.mirror.gitopsCatalogImage, displayName: "GitOps operator (bootstrap mirror)" },
            }, { ...parent, dependsOn: [...before] }));
        }
        const operatorNs = args.operatorNamespace ? [args.operatorNamespace] : [];
        const group = new k8s.apiextensions.CustomResource(`${name}-operator-group`, {
            apiVersion: "operators.coreos.com/v1",
            kind: "OperatorGroup",
            metadata: { name: "openshift-gitops-operator", namespace: "openshift-gitops-operator" },
            spec: { upgradeStrategy: "Default" },
        }, { ...parent, dependsOn: operatorNs });
        const subscription = new k8s.apiextensions.CustomResource(`${name}-subscription`, renderSubscription(config, source),
            { ...parent, dependsOn: [group, ...before, ...operatorNs], customTimeouts: { create: "30m", update: "30m" } });
        // A create: the program owns the instance whole. The CRD exists once the Subscription's gate holds (the
        // InstallPlan creates CRDs before the CSV); operator start-up is inside the 30-minute Available gate.
        const instance = new k8s.apiextensions.CustomResource(`${name}-instance`, renderArgoCdInstance(config), {
            ...parent,
            dependsOn: [subscription, ...(args.namespace ? [args.namespace] : [])],
            customTimeouts: { create: "30m", update: "30m" },
        });
        // Only what the operator's cluster-config role and the managed namespaces' admin Roles lack.
        const role = new k8s.rbac.v1.ClusterRole(`${name}-platform-role`, {
            metadata: { name: "saif-platform-argocd-application-controller" },
            rules: args.controllerRules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
        }, parent);
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-platform-binding`, {
            metadata: { name: "saif-platform-argocd-application-controller" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: controllerServiceAccount, namespace: config.argocd.namespace }],
        }, parent);
        return [instance, binding];
    }
}
