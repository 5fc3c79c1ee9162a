import { strict as assert } from "node:assert";
import { admissionProblems, defaultSccs, PodSpec, sccGrants, sccRefusal } from "../lib/admission";
import { DeliveredSecret, identityProblems, needsPullSecret, pullProblems, registryOf, secretKeyProblems } from "../lib/behaviour";
import type { ContentObject, RenderedComponent } from "../lib/content";

/** Each rule of the behavioural checks against an object that breaks it and one that keeps it. */

const scc = (name: string) => defaultSccs.find((s) => s.name === name)!;
const deployment = (name: string, pod: PodSpec, namespace = "demo"): ContentObject => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace }, spec: { template: { spec: pod } },
});
const rc = (name: string, objects: ContentObject[], namespace = "demo"): RenderedComponent => ({
    name, content: "kustomize", namespace, objects: objects.map((object) => ({ object, file: `apps/${name}/x.yaml` })),
});
const plain: PodSpec = { containers: [{ name: "app", image: "quay.io/saif/app:1" }] };

describe("SCC admission (OpenShift's SCCs and matcher, apiserver-library-go)", () => {
    it("restricted-v2 admits a plain pod and defaults what it may (UID, seccomp, no escalation)", () => {
        assert.equal(sccRefusal(scc("restricted-v2"), plain), undefined);
        assert.equal(sccRefusal(scc("restricted-v2"), { containers: [{ name: "a", securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, capabilities: { add: ["NET_BIND_SERVICE"] } } }] }), undefined);
    });

    it("restricted-v2 refuses host paths, host namespaces and ports, privilege, escalation, a fixed UID, extra capabilities, other seccomp profiles, an SELinux type", () => {
        const r = scc("restricted-v2");
        const c = (securityContext: object) => ({ containers: [{ name: "a", securityContext }] });
        const cases: [PodSpec, RegExp][] = [
            [{ ...plain, volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] }, /hostPath volume "logs"/],
            [{ ...plain, hostNetwork: true }, /hostNetwork/],
            [{ ...plain, hostPID: true }, /hostPID/],
            [{ containers: [{ name: "a", ports: [{ hostPort: 8080, containerPort: 8080 }] }] }, /host port/],
            [c({ privileged: true }), /privileged/],
            [c({ allowPrivilegeEscalation: true }), /privilege escalation/],
            [c({ runAsUser: 101 }), /UID 101, outside the namespace's range/],
            [{ ...plain, securityContext: { runAsUser: 65532 } }, /UID 65532/],
            [{ ...plain, securityContext: { fsGroup: 2000 } }, /fsGroup 2000/],
            [c({ capabilities: { add: ["NET_ADMIN"] } }), /capability NET_ADMIN/],
            [c({ seccompProfile: { type: "Localhost", localhostProfile: "x.json" } }), /seccomp profile localhost\/x.json/],
            [c({ seccompProfile: { type: "Unconfined" } }), /unconfined/],
            [c({ seLinuxOptions: { type: "spc_t" } }), /SELinux type spc_t/],
        ];
        for (const [pod, why] of cases) assert.match(sccRefusal(r, pod) ?? "admitted", why);
    });

    it("anyuid admits a fixed UID but no seccomp profile at all; privileged admits everything", () => {
        assert.equal(sccRefusal(scc("anyuid"), { containers: [{ name: "a", securityContext: { runAsUser: 101 } }] }), undefined);
        assert.match(sccRefusal(scc("anyuid"), { containers: [{ name: "a", securityContext: { seccompProfile: { type: "RuntimeDefault" } } }] }) ?? "", /does not allow/);
        assert.equal(sccRefusal(scc("privileged"), { hostNetwork: true, hostPID: true, volumes: [{ name: "h", hostPath: {} }], containers: [{ name: "a", securityContext: { privileged: true, runAsUser: 0 } }] }), undefined);
        assert.match(sccRefusal(scc("nonroot-v2"), { containers: [{ name: "a", securityContext: { runAsUser: 0 } }] }) ?? "", /root/);
        assert.equal(sccRefusal(scc("nonroot-v2"), { containers: [{ name: "a", securityContext: { runAsUser: 101 } }] }), undefined);
    });

    it("a pod is admitted when an SCC its service account may use admits it: RBAC use, OpenShift's system:openshift:scc:<name> roles, the SCC's users", () => {
        const hostPod: PodSpec = { serviceAccountName: "agent", volumes: [{ name: "h", hostPath: { path: "/var/log" } }], containers: [{ name: "a", securityContext: { runAsUser: 0 } }] };
        const refused = admissionProblems([rc("agent", [deployment("agent", hostPod)])]);
        assert.equal(refused.length, 1);
        assert.match(refused[0], /^apps\/agent\/x.yaml: agent: Deployment agent: no SCC admits its pods \(service account demo\/agent may use restricted-v2: restricted-v2: hostPath volume "h" is not allowed\); grant/);
        const binding = (roleRef: object, name = "b"): ContentObject => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name, namespace: "demo" }, roleRef, subjects: [{ kind: "ServiceAccount", name: "agent", namespace: "demo" }] });
        // OpenShift's own role for hostmount-anyuid.
        assert.deepEqual(admissionProblems([rc("agent", [deployment("agent", hostPod), binding({ kind: "ClusterRole", name: "system:openshift:scc:hostmount-anyuid" })])]), []);
        // A role of the content's own with use on it.
        const role: ContentObject = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "use-hostmount" }, rules: [{ apiGroups: ["security.openshift.io"], resources: ["securitycontextconstraints"], resourceNames: ["hostmount-anyuid"], verbs: ["use"] }] };
        assert.deepEqual(admissionProblems([rc("agent", [deployment("agent", hostPod), role, binding({ kind: "ClusterRole", name: "use-hostmount" })])]), []);
        // A role granting use of another SCC does not help; nor does a binding to another account.
        const other: ContentObject = { ...role, metadata: { name: "use-nonroot" }, rules: [{ apiGroups: ["security.openshift.io"], resources: ["securitycontextconstraints"], resourceNames: ["nonroot-v2"], verbs: ["use"] }] };
        assert.equal(admissionProblems([rc("agent", [deployment("agent", hostPod), other, binding({ kind: "ClusterRole", name: "use-nonroot" })])]).length, 1);
        // The content's own SCC, granted by its users list.
        const own: ContentObject = { apiVersion: "security.openshift.io/v1", kind: "SecurityContextConstraints", metadata: { name: "agent" }, allowHostDirVolumePlugin: true, runAsUser: { type: "RunAsAny" }, seLinuxContext: { type: "MustRunAs" }, volumes: ["hostPath"], users: ["system:serviceaccount:demo:agent"] };
        assert.deepEqual(admissionProblems([rc("agent", [deployment("agent", hostPod), own])]), []);
        assert.ok(sccGrants([rc("agent", [own])]).byServiceAccount.get("demo/agent")?.has("agent"));
    });

    it("checks the pods of CronJobs, Jobs, DaemonSets and bare Pods (chart hooks), with the default service account", () => {
        const bad: PodSpec = { containers: [{ name: "a", securityContext: { privileged: true } }] };
        const objects: ContentObject[] = [
            { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: bad } } } } },
            { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: { spec: bad } } },
            { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "d" }, spec: { template: { spec: bad } } },
            { apiVersion: "v1", kind: "Pod", metadata: { name: "p", annotations: { "helm.sh/hook": "pre-install" } }, spec: bad },
        ];
        const problems = admissionProblems([rc("x", objects)]);
        assert.deepEqual(problems.map((p) => /: (\w+ \w): no SCC/.exec(p)?.[1]), ["CronJob c", "Job j", "DaemonSet d", "Pod p"]);
        assert.ok(problems.every((p) => p.includes("service account demo/default")));
    });
});

describe("image pulls: every image has a way in", () => {
    const ngc: DeliveredSecret = { namespace: "nim", name: "ngc-secret", type: "kubernetes.io/dockerconfigjson", keys: [".dockerconfigjson"], registries: ["nvcr.io"] };
    const nimCache = (pullSecret?: string): ContentObject => ({
        apiVersion: "apps.nvidia.com/v1alpha1", kind: "NIMCache", metadata: { name: "m", namespace: "nim" },
        spec: { source: { ngc: { modelPuller: "nvcr.io/nim/meta/llama-3.2-1b-instruct:1.12.0", authSecret: "ngc-api-key", ...(pullSecret ? { pullSecret } : {}) } } },
    });
    const nimService = (pullSecrets?: string[]): ContentObject => ({
        apiVersion: "apps.nvidia.com/v1alpha1", kind: "NIMService", metadata: { name: "s", namespace: "nim" },
        spec: { image: { repository: "nvcr.io/nim/meta/llama-3.2-1b-instruct", tag: "1.12.0", ...(pullSecrets ? { pullSecrets } : {}) } },
    });
    const ctx = (delivered: DeliveredSecret[] = [ngc], mirrorSources?: string[]) => ({ delivered, serviceAccountPullSecrets: new Map(), ...(mirrorSources ? { mirrorSources } : {}) });

    it("knows the registries: a host or Docker Hub; NIM images need an NGC login, NGC's public catalog and the cluster's registries do not", () => {
        assert.equal(registryOf("nvcr.io/nim/meta/x:1"), "nvcr.io");
        assert.equal(registryOf("busybox:1"), "docker.io");
        assert.equal(registryOf("localhost:5000/x"), "localhost:5000");
        assert.equal(needsPullSecret("nvcr.io/nim/meta/x:1"), true);
        assert.equal(needsPullSecret("nvcr.io/nvidia/cloud-native/k8s-nim-operator:v3.1.2"), false);
        assert.equal(needsPullSecret("registry.redhat.io/ubi9/ubi:9.6"), false);
        assert.equal(needsPullSecret("registry.private.lab/app:1"), true);
    });

    it("NIMCache and NIMService pull only with a delivered docker-registry Secret for nvcr.io named in the operator's field", () => {
        const nim = (objects: ContentObject[]) => [rc("nim", objects, "nim")];
        assert.equal(pullProblems(nim([nimCache(), nimService()]), ctx()).length, 2);
        assert.match(pullProblems(nim([nimCache()]), ctx())[0], /NIMCache m: image nvcr.io\/nim\/meta\/llama-3.2-1b-instruct:1.12.0 needs a login to nvcr.io, and the object names no pull secret; deliver one/);
        assert.deepEqual(pullProblems(nim([nimCache("ngc-secret"), nimService(["ngc-secret"])]), ctx()), []);
        // Named but not delivered, or delivered as an Opaque Secret, or for another registry.
        assert.match(pullProblems(nim([nimCache("other")]), ctx())[0], /its pull secret other is not a delivered docker-registry Secret for it in nim/);
        assert.equal(pullProblems(nim([nimService(["ngc-secret"])]), ctx([{ ...ngc, type: "Opaque" }])).length, 1);
        assert.equal(pullProblems(nim([nimService(["ngc-secret"])]), ctx([{ ...ngc, registries: ["quay.io"] }])).length, 1);
    });

    it("a pod's pull secret, or its service account's, serves a private registry", () => {
        const lab: DeliveredSecret = { namespace: "demo", name: "lab-pull", type: "kubernetes.io/dockerconfigjson", keys: [".dockerconfigjson"], registries: ["registry.private.lab"] };
        const pod: PodSpec = { serviceAccountName: "app", containers: [{ name: "a", image: "registry.private.lab/app:1" }] };
        assert.equal(pullProblems([rc("a", [deployment("a", pod)])], ctx([lab])).length, 1);
        assert.deepEqual(pullProblems([rc("a", [deployment("a", { ...pod, imagePullSecrets: [{ name: "lab-pull" }] })])], ctx([lab])), []);
        assert.deepEqual(pullProblems([rc("a", [deployment("a", pod)])], { delivered: [lab], serviceAccountPullSecrets: new Map([["demo/app", ["lab-pull"]]]) }), []);
    });

    it("on a disconnected cluster every image's registry needs a mirror", () => {
        const pod: PodSpec = { containers: [{ name: "a", image: "ghcr.io/x/app:1" }] };
        assert.match(pullProblems([rc("a", [deployment("a", pod)])], ctx([], ["quay.io", "registry.redhat.io"]))[0], /no mirror covers ghcr.io on this disconnected cluster/);
        assert.deepEqual(pullProblems([rc("a", [deployment("a", pod)])], ctx([], ["ghcr.io"])), []);
    });
});

describe("Secret references: read with the keys they hold", () => {
    const token: DeliveredSecret = { namespace: "demo", name: "token", type: "Opaque", keys: ["splunk_platform_hec_token"] };
    const reads = (key: string): PodSpec => ({ containers: [{ name: "a", env: [{ name: "T", valueFrom: { secretKeyRef: { name: "token", key } } }] } as never] });

    it("an env key the delivered Secret does not hold is one line; one it holds is none", () => {
        assert.deepEqual(secretKeyProblems([rc("a", [deployment("a", reads("splunk_platform_hec_token"))])], [token]), []);
        assert.deepEqual(secretKeyProblems([rc("a", [deployment("a", reads("token"))])], [token]),
            ['apps/a/x.yaml: a: Deployment a reads key "token" of Secret demo/token, which holds "splunk_platform_hec_token"; read one of those, or deliver that key']);
    });

    it("the NIM operator's authSecret must hold NGC_API_KEY", () => {
        const cache: ContentObject = { apiVersion: "apps.nvidia.com/v1alpha1", kind: "NIMCache", metadata: { name: "m", namespace: "nim" }, spec: { source: { ngc: { authSecret: "ngc-api-key" } } } };
        const key = (keys: string[]): DeliveredSecret => ({ namespace: "nim", name: "ngc-api-key", type: "Opaque", keys });
        assert.deepEqual(secretKeyProblems([rc("nim", [cache], "nim")], [key(["NGC_API_KEY"])]), []);
        assert.equal(secretKeyProblems([rc("nim", [cache], "nim")], [key(["api-key"])]).length, 1);
    });
});

describe("identity: no placeholder, and telemetry that names its cluster", () => {
    const cm = (data: Record<string, string>): ContentObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data });

    it("a placeholder value is one line naming the field; prose that mentions example.com is not a value", () => {
        assert.deepEqual(identityProblems([rc("a", [cm({ url: "https://splunk-hec.example.com:8088" })])], "ai-pod-1", []),
            ['apps/a/x.yaml: a: ConfigMap c: data.url is a placeholder ("https://splunk-hec.example.com:8088"); set the site\'s value in the stack config']);
        assert.equal(identityProblems([rc("a", [cm({ password: "changeme" })])], "ai-pod-1", []).length, 1);
        assert.deepEqual(identityProblems([rc("a", [cm({ help: "see https://docs.example.com for details" })])], "ai-pod-1", []), []);
        // An unrendered chart's values count too.
        const chart: RenderedComponent = { name: "h", content: "helm", objects: [], chart: { name: "x", version: "1", repository: "r", file: "apps/h/Chart.yaml", values: { x: { endpoint: "https://x.example.org" } } } };
        assert.equal(identityProblems([chart], "ai-pod-1", []).length, 1);
    });

    it("a telemetry component that never names the cluster is one line; naming it (as a word) is enough", () => {
        assert.deepEqual(identityProblems([rc("splunk-otel", [cm({ cluster: "cluster" })])], "ai-pod-1", ["splunk-otel"]),
            ['splunk-otel: its telemetry does not carry the cluster\'s name "ai-pod-1"; set it from the stack\'s cluster key so each cluster\'s data can be told apart']);
        assert.deepEqual(identityProblems([rc("splunk-otel", [cm({ config: "resource:\n  k8s.cluster.name: ai-pod-1\n" })])], "ai-pod-1", ["splunk-otel"]), []);
        assert.equal(identityProblems([rc("splunk-otel", [cm({ config: "ai-pod-10" })])], "ai-pod-1", ["splunk-otel"]).length, 1);
    });
});
