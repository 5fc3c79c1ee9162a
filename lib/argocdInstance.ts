import type { ClusterConfig } from "../stacks/types";
import type { KubeObject } from "./application";
import { healthChecks } from "./health";
import { gitopsOperatorNamespace } from "./namespaces";

/**
 * The OpenShift GitOps install, as plain data.
 *
 * The operator creates its own instance `openshift-gitops/openshift-gitops` when it starts, at a time of its own
 * (redhat-developer/gitops-operator controllers/gitopsservice_controller.go `Reconcile`: namespace, then the
 * default ArgoCD if absent), and OLM reports the Subscription `AtLatestKnown` as soon as the CSV object exists,
 * before the operator runs (operator-framework/operator-lifecycle-manager catalog/operator.go
 * `ensureSubscriptionCSVState`). A patch of that instance therefore races the operator. Instead the operator's own
 * switch turns the default instance off (`DISABLE_DEFAULT_ARGOCD_INSTANCE`, common/common.go, read in cmd/main.go)
 * and the program owns a complete instance under another name: with the switch on, the operator deletes any
 * ArgoCD named `openshift-gitops` in that namespace (`ensureDefaultArgoCDInstanceDoesntExist`).
 */

/** The instance's name. Not `openshift-gitops`: the operator deletes that one while the default is disabled. */
export const instanceName = "argocd";
export const subscriptionName = "openshift-gitops-operator";
export const marketplace = "openshift-marketplace";

/** The application controller's ServiceAccount, named after the instance by the operator (`<name>-argocd-application-controller`). */
export const controllerServiceAccount = `${instanceName}-argocd-application-controller`;

/** The operator's environment: no default instance, and ours cluster-scoped in whatever namespace it lives. */
export function operatorEnv(config: ClusterConfig): { name: string; value: string }[] {
    return [
        { name: "DISABLE_DEFAULT_ARGOCD_INSTANCE", value: "true" },
        // Only an instance in one of these namespaces gets the cluster-config role and may sync cluster-scoped
        // kinds (gitops-operator controllers/argocd/openshift/openshift.go `allowedNamespace`; the CSV sets
        // openshift-gitops, bundle/manifests/gitops-operator.clusterserviceversion.yaml L871-872). A Subscription's
        // config.env replaces the CSV's value, so the default namespace is kept.
        { name: "ARGOCD_CLUSTER_CONFIG_NAMESPACES", value: [...new Set(["openshift-gitops", config.argocd.namespace])].join(",") },
    ];
}

export function renderSubscription(config: ClusterConfig, source: string): KubeObject {
    const a = config.argocd;
    return {
        apiVersion: "operators.coreos.com/v1alpha1",
        kind: "Subscription",
        metadata: {
            name: subscriptionName,
            namespace: gitopsOperatorNamespace,
            // installedCSV + AtLatestKnown: the InstallPlan has run, so the ArgoCD CRD exists. It does NOT mean the
            // operator runs; the instance's own gate (status.phase Available) waits for that.
            annotations: { "pulumi.com/waitFor": JSON.stringify(["jsonpath={.status.installedCSV}", "jsonpath={.status.state}=AtLatestKnown"]) },
        },
        spec: {
            channel: a.channel,
            installPlanApproval: a.approval,
            name: subscriptionName,
            source,
            sourceNamespace: marketplace,
            config: { env: operatorEnv(config) },
        },
    };
}

const resources = (reqCpu: string, reqMem: string, limCpu: string, limMem: string) => ({
    requests: { cpu: reqCpu, memory: reqMem },
    limits: { cpu: limCpu, memory: limMem },
});

/** What Argo CD must never track: the operator's default list (argocd.go `NewCR` @ 5a448d94d11e) plus OLM's own objects. */
const resourceExclusions = [
    { apiGroups: ["", "discovery.k8s.io"], kinds: ["Endpoints", "EndpointSlice"], clusters: ["*"] },
    { apiGroups: ["apiregistration.k8s.io"], kinds: ["APIService"], clusters: ["*"] },
    { apiGroups: ["coordination.k8s.io"], kinds: ["Lease"], clusters: ["*"] },
    { apiGroups: ["authentication.k8s.io", "authorization.k8s.io"], kinds: ["SelfSubjectReview", "TokenReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"], clusters: ["*"] },
    { apiGroups: ["certificates.k8s.io"], kinds: ["CertificateSigningRequest"], clusters: ["*"] },
    { apiGroups: ["cert-manager.io"], kinds: ["CertificateRequest"], clusters: ["*"] },
    { apiGroups: ["cilium.io"], kinds: ["CiliumIdentity", "CiliumEndpoint", "CiliumEndpointSlice"], clusters: ["*"] },
    {
        apiGroups: ["kyverno.io", "reports.kyverno.io", "wgpolicyk8s.io"],
        kinds: ["PolicyReport", "ClusterPolicyReport", "EphemeralReport", "ClusterEphemeralReport", "AdmissionReport", "ClusterAdmissionReport", "BackgroundScanReport", "ClusterBackgroundScanReport", "UpdateRequest"],
        clusters: ["*"],
    },
    { apiGroups: ["tekton.dev"], kinds: ["TaskRun", "PipelineRun"], clusters: ["*"] },
    // Created by OLM, never by Argo CD: tracking them only costs the controller memory.
    { apiGroups: ["operators.coreos.com"], kinds: ["InstallPlan", "ClusterServiceVersion"], clusters: ["*"] },
];

/**
 * A complete ArgoCD instance: what the operator's default one has (gitops-operator controllers/argocd/argocd.go
 * `NewCR`: OpenShift OAuth through Dex, the cluster-admins RBAC policy, the server Route, the ApplicationSet
 * controller, resource exclusions, resource limits), plus the platform's health checks.
 */
export function renderArgoCdInstance(config: ClusterConfig): KubeObject {
    return {
        apiVersion: "argoproj.io/v1beta1",
        kind: "ArgoCD",
        metadata: {
            name: instanceName,
            namespace: config.argocd.namespace,
            labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "saif-platform" },
            // Available: controller, repo-server, server, redis and SSO running (argocd-operator
            // controllers/argocd/status.go). On create this also waits for the operator to start.
            annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Available" },
        },
        spec: {
            applicationSet: { resources: resources("250m", "512Mi", "2", "1Gi") },
            controller: { resources: resources("250m", "1Gi", "2", "2Gi") },
            sso: { provider: "dex", dex: { openShiftOAuth: true, resources: resources("250m", "128Mi", "500m", "256Mi") } },
            ha: { enabled: false },
            redis: { resources: resources("250m", "128Mi", "500m", "256Mi") },
            repo: { resources: resources("250m", "256Mi", "1", "1Gi") },
            server: { route: { enabled: true, tls: { termination: "reencrypt", insecureEdgeTerminationPolicy: "Redirect" } }, resources: resources("125m", "128Mi", "500m", "256Mi") },
            rbac: { policy: "g, system:cluster-admins, role:admin\ng, cluster-admins, role:admin\n", scopes: "[groups]", defaultPolicy: "" },
            resourceTrackingMethod: "annotation",
            resourceExclusions: resourceExclusions.map((e) => `- apiGroups: ${JSON.stringify(e.apiGroups)}\n  kinds: ${JSON.stringify(e.kinds)}\n  clusters: ${JSON.stringify(e.clusters)}\n`).join(""),
            resourceHealthChecks: healthChecks.map((h) => ({ group: h.group, kind: h.kind, check: h.check })),
        },
    };
}
