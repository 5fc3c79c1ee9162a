import type { ContentObject, RenderedComponent } from "./content";

/**
 * OpenShift's SecurityContextConstraints admission, for the pods the platform's content creates: a pod is admitted
 * when one SCC that its service account (or the user creating it) may `use` validates it, after that SCC's defaults
 * are applied. Definitions: openshift/cluster-kube-apiserver-operator bindata/bootkube/scc-manifests @ c813e820bb94;
 * matching: openshift/apiserver-library-go pkg/securitycontextconstraints @ a8019f39f670 (sccadmission/admission.go
 * `computeSecurityContext`, sccmatching/provider.go, the strategies). Pods that the operators create themselves (the
 * GPU operator's daemonsets, the NIM operator's Jobs and Deployments) are not in the content and not checked here.
 */

export interface Scc {
    readonly name: string;
    readonly allowHostDirVolumePlugin?: boolean;
    readonly allowHostIPC?: boolean;
    readonly allowHostNetwork?: boolean;
    readonly allowHostPID?: boolean;
    readonly allowHostPorts?: boolean;
    readonly allowPrivilegeEscalation?: boolean | null;
    readonly allowPrivilegedContainer?: boolean;
    readonly allowedCapabilities?: readonly string[] | null;
    readonly defaultAddCapabilities?: readonly string[] | null;
    readonly runAsUser?: { readonly type?: string; readonly uid?: number; readonly uidRangeMin?: number; readonly uidRangeMax?: number };
    readonly fsGroup?: { readonly type?: string; readonly ranges?: readonly { min: number; max: number }[] };
    readonly seLinuxContext?: { readonly type?: string; readonly seLinuxOptions?: Record<string, string> };
    readonly seccompProfiles?: readonly string[] | null;
    readonly volumes?: readonly string[] | null;
    readonly priority?: number | null;
    readonly users?: readonly string[] | null;
    readonly groups?: readonly string[] | null;
}

const v2Volumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];

/** The default SCCs a platform pod may end up with (CKAO scc-manifests `0000_20_kube-apiserver-operator_00_scc-<name>.yaml`). */
export const defaultSccs: readonly Scc[] = [
    {
        name: "restricted-v2", allowPrivilegeEscalation: false, allowedCapabilities: ["NET_BIND_SERVICE"],
        runAsUser: { type: "MustRunAsRange" }, fsGroup: { type: "MustRunAs" }, seLinuxContext: { type: "MustRunAs" },
        seccompProfiles: ["runtime/default"], volumes: v2Volumes,
    },
    {
        name: "nonroot-v2", allowPrivilegeEscalation: false, allowedCapabilities: ["NET_BIND_SERVICE"],
        runAsUser: { type: "MustRunAsNonRoot" }, fsGroup: { type: "RunAsAny" }, seLinuxContext: { type: "MustRunAs" },
        seccompProfiles: ["runtime/default"], volumes: v2Volumes,
    },
    {
        name: "anyuid", allowPrivilegeEscalation: true, runAsUser: { type: "RunAsAny" }, fsGroup: { type: "RunAsAny" },
        seLinuxContext: { type: "MustRunAs" }, volumes: v2Volumes, priority: 10, groups: ["system:cluster-admins"],
    },
    {
        name: "hostmount-anyuid", allowHostDirVolumePlugin: true, allowPrivilegeEscalation: true, runAsUser: { type: "RunAsAny" },
        fsGroup: { type: "RunAsAny" }, seLinuxContext: { type: "MustRunAs" }, volumes: [...v2Volumes, "hostPath", "nfs"],
    },
    {
        name: "hostnetwork-v2", allowHostNetwork: true, allowHostPorts: true, allowPrivilegeEscalation: false, allowedCapabilities: ["NET_BIND_SERVICE"],
        runAsUser: { type: "MustRunAsRange" }, fsGroup: { type: "MustRunAs" }, seLinuxContext: { type: "MustRunAs" },
        seccompProfiles: ["runtime/default"], volumes: v2Volumes,
    },
    {
        name: "privileged", allowHostDirVolumePlugin: true, allowHostIPC: true, allowHostNetwork: true, allowHostPID: true, allowHostPorts: true,
        allowPrivilegeEscalation: true, allowPrivilegedContainer: true, allowedCapabilities: ["*"], runAsUser: { type: "RunAsAny" },
        fsGroup: { type: "RunAsAny" }, seLinuxContext: { type: "RunAsAny" }, seccompProfiles: ["*"], volumes: ["*"],
        groups: ["system:cluster-admins", "system:nodes", "system:masters"],
    },
];

/**
 * SCCs every pod may use: restricted-v2 is bound to `system:authenticated` (CKAO
 * `0000_20_kube-apiserver-operator_00_crb-systemauthenticated-scc-restricted-v2.yaml`), which includes the
 * controllers (ReplicaSet, DaemonSet, Job) that create the pods of a workload.
 */
export const everyone = ["restricted-v2"];

/**
 * OpenShift allocates each namespace a block of 10,000 UIDs from 1000000000 up (the `openshift.io/sa.scc.uid-range`
 * annotation, cluster-policy-controller's default range 1000000000-1999999999/10000): a fixed UID below that is
 * outside every namespace's range.
 */
const namespaceUidFloor = 1_000_000_000;

interface Container {
    name?: string;
    image?: string;
    ports?: { hostPort?: number; containerPort?: number }[];
    securityContext?: {
        privileged?: boolean; allowPrivilegeEscalation?: boolean; runAsUser?: number; runAsNonRoot?: boolean;
        capabilities?: { add?: string[] }; seccompProfile?: { type?: string; localhostProfile?: string }; seLinuxOptions?: Record<string, string>;
    };
}

export interface PodSpec {
    serviceAccountName?: string;
    serviceAccount?: string;
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    securityContext?: { runAsUser?: number; runAsNonRoot?: boolean; fsGroup?: number; seccompProfile?: { type?: string }; seLinuxOptions?: Record<string, string> };
    volumes?: Record<string, unknown>[];
    containers?: Container[];
    initContainers?: Container[];
    imagePullSecrets?: { name?: string }[];
}

/** The pod template of a workload object (or a Pod itself), with where it sits. */
export function podSpecOf(o: ContentObject): PodSpec | undefined {
    const spec = o.spec as Record<string, unknown> | undefined;
    switch (o.kind) {
        case "Pod": return spec;
        case "Deployment": case "DaemonSet": case "StatefulSet": case "ReplicaSet": case "Job":
            return (spec?.template as { spec?: PodSpec } | undefined)?.spec;
        case "CronJob":
            return ((spec?.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined)?.spec?.template)?.spec;
        default: return undefined;
    }
}

const volumeType = (v: Record<string, unknown>) => Object.keys(v).find((k) => k !== "name") ?? "none";
/** SCC seccomp names (`runtime/default`, `localhost/<file>`, `unconfined`) for a pod's seccompProfile field. */
const seccompName = (p: { type?: string; localhostProfile?: string }) =>
    p.type === "RuntimeDefault" ? "runtime/default" : p.type === "Localhost" ? `localhost/${p.localhostProfile ?? ""}` : p.type === "Unconfined" ? "unconfined" : String(p.type);

/** Why one SCC refuses a pod (after its defaults), or undefined when it admits it. provider.go `ValidatePodSecurityContext`/`ValidateContainerSecurityContext`. */
export function sccRefusal(scc: Scc, pod: PodSpec): string | undefined {
    if (pod.hostNetwork && !scc.allowHostNetwork) return "hostNetwork is not allowed";
    if (pod.hostPID && !scc.allowHostPID) return "hostPID is not allowed";
    if (pod.hostIPC && !scc.allowHostIPC) return "hostIPC is not allowed";
    const volumes = scc.volumes ?? ["*"];
    for (const v of pod.volumes ?? []) {
        const t = volumeType(v);
        if (!volumes.includes("*") && !volumes.includes(t)) return `${t} volume ${JSON.stringify(v.name)} is not allowed`;
    }
    const psc = pod.securityContext ?? {};
    const runAs = scc.runAsUser?.type ?? "RunAsAny";
    // fsGroup MustRunAs without ranges takes the namespace's block: only its first GID, never a fixed small one (group/mustrunas.go).
    if (scc.fsGroup?.type === "MustRunAs" && psc.fsGroup !== undefined && psc.fsGroup < namespaceUidFloor) return `fsGroup ${psc.fsGroup} is outside the namespace's range`;
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        const sc = c.securityContext ?? {};
        const who = `container ${JSON.stringify(c.name ?? "?")}`;
        if (sc.privileged && !scc.allowPrivilegedContainer) return `${who} is privileged`;
        // allowPrivilegeEscalation false: unset is defaulted to false, true is refused (provider.go L248-251, L378-387).
        if (sc.allowPrivilegeEscalation === true && scc.allowPrivilegeEscalation === false) return `${who} allows privilege escalation`;
        const allowedCaps = [...(scc.allowedCapabilities ?? []), ...(scc.defaultAddCapabilities ?? [])];
        for (const cap of sc.capabilities?.add ?? []) {
            if (!allowedCaps.includes("*") && !allowedCaps.includes(cap)) return `${who} adds capability ${cap}`;
        }
        const uid = sc.runAsUser ?? psc.runAsUser;
        const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
        if (runAs === "MustRunAsRange" && uid !== undefined && uid < namespaceUidFloor) return `${who} runs as UID ${uid}, outside the namespace's range`;
        if (runAs === "MustRunAsNonRoot" && (uid === 0 || nonRoot === false)) return `${who} runs as root`;
        if (runAs === "MustRunAs" && uid !== undefined && uid !== scc.runAsUser?.uid) return `${who} runs as UID ${uid}`;
        for (const [p, where] of [[sc.seccompProfile, who], [psc.seccompProfile, "the pod"]] as const) {
            if (!p?.type) continue;
            const allowed = scc.seccompProfiles;
            // No list: no profile may be set at all (seccomp/strategy.go validateProfile: "seccomp may not be set").
            if (!allowed || allowed.length === 0) return `${where} sets a seccomp profile, which this SCC does not allow`;
            const name = seccompName(p);
            if (!allowed.includes("*") && !allowed.includes(name) && !(name.startsWith("localhost/") && allowed.includes("localhost/*"))) return `${where} uses seccomp profile ${name}`;
        }
        const se = sc.seLinuxOptions ?? psc.seLinuxOptions;
        if (scc.seLinuxContext?.type === "MustRunAs" && se) {
            for (const f of ["user", "role", "type"]) if (se[f] !== undefined && se[f] !== scc.seLinuxContext.seLinuxOptions?.[f]) return `${who} sets SELinux ${f} ${se[f]}`;
        }
        if (!scc.allowHostPorts && (c.ports ?? []).some((p) => (p.hostPort ?? 0) > 0 || (pod.hostNetwork && (p.containerPort ?? 0) > 0))) return `${who} uses a host port`;
    }
    return undefined;
}

/** Who may use which SCC, from the content: SCCs' own `users`/`groups`, and RBAC `use` rules bound to service accounts. */
export interface SccGrants {
    /** `namespace/serviceaccount` -> SCC names. */
    readonly byServiceAccount: ReadonlyMap<string, ReadonlySet<string>>;
    /** Every SCC known: the defaults and the content's own. */
    readonly sccs: readonly Scc[];
}

interface Rule { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] }

/** The SCCs a role's rules allow `use` of (an empty resourceNames: all of them). */
function rulesAllowUse(rules: Rule[] | undefined, all: readonly string[]): string[] {
    const out: string[] = [];
    for (const r of rules ?? []) {
        const group = (r.apiGroups ?? []).some((g) => g === "security.openshift.io" || g === "*");
        const resource = (r.resources ?? []).some((x) => x === "securitycontextconstraints" || x === "*");
        const verb = (r.verbs ?? []).some((v) => v === "use" || v === "*");
        if (group && resource && verb) out.push(...(r.resourceNames && r.resourceNames.length > 0 ? r.resourceNames : all));
    }
    return out;
}

/**
 * The grants the rendered content makes. A binding to OpenShift's own `system:openshift:scc:<name>` ClusterRole (which
 * every cluster has, CKAO `..._00_cr-scc-<name>.yaml`) grants `use` of that SCC.
 */
export function sccGrants(rendered: readonly RenderedComponent[]): SccGrants {
    const objects = rendered.flatMap((rc) => rc.objects.map(({ object }) => ({ object, ns: object.metadata.namespace ?? rc.namespace })));
    const own: Scc[] = objects.filter(({ object: o }) => o.kind === "SecurityContextConstraints").map(({ object: o }) => ({ ...(o as unknown as Scc), name: o.metadata.name }));
    const sccs = [...defaultSccs.filter((d) => !own.some((s) => s.name === d.name)), ...own];
    const all = sccs.map((s) => s.name);
    const roles = new Map<string, string[]>();
    for (const { object: o, ns } of objects) {
        if (o.kind === "ClusterRole") roles.set(`ClusterRole/${o.metadata.name}`, rulesAllowUse((o as { rules?: Rule[] }).rules, all));
        if (o.kind === "Role") roles.set(`Role/${ns}/${o.metadata.name}`, rulesAllowUse((o as { rules?: Rule[] }).rules, all));
    }
    const by = new Map<string, Set<string>>();
    const grant = (sa: string, names: readonly string[]) => {
        const set = by.get(sa) ?? new Set<string>();
        for (const n of names) set.add(n);
        by.set(sa, set);
    };
    for (const { object: o, ns } of objects) {
        if (o.kind !== "RoleBinding" && o.kind !== "ClusterRoleBinding") continue;
        const ref = (o as { roleRef?: { kind?: string; name?: string } }).roleRef ?? {};
        const builtIn = /^system:openshift:scc:(.+)$/.exec(ref.name ?? "")?.[1];
        const names = ref.kind === "ClusterRole" ? (builtIn ? [builtIn] : roles.get(`ClusterRole/${ref.name}`) ?? []) : roles.get(`Role/${ns}/${ref.name}`) ?? [];
        for (const s of (o as { subjects?: { kind?: string; name?: string; namespace?: string }[] }).subjects ?? []) {
            if (s.kind === "ServiceAccount") grant(`${s.namespace ?? ns}/${s.name}`, names);
        }
    }
    for (const scc of own) {
        for (const u of scc.users ?? []) {
            const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(u);
            if (m) grant(`${m[1]}/${m[2]}`, [scc.name]);
        }
    }
    return { byServiceAccount: by, sccs };
}

/** Admission of every pod template the content renders: one line for each pod no SCC it may use admits. */
export function admissionProblems(rendered: readonly RenderedComponent[], grants = sccGrants(rendered)): string[] {
    const problems: string[] = [];
    for (const rc of rendered) {
        for (const { object: o, file } of rc.objects) {
            const pod = podSpecOf(o);
            if (!pod) continue;
            const ns = o.metadata.namespace ?? rc.namespace ?? "default";
            // ServiceAccount admission runs first and defaults the service account (admissionenablement/register.go).
            const sa = pod.serviceAccountName ?? pod.serviceAccount ?? "default";
            const usable = new Set([...everyone, ...(grants.byServiceAccount.get(`${ns}/${sa}`) ?? [])]);
            const candidates = grants.sccs.filter((s) => usable.has(s.name));
            const refusals = candidates.map((s) => [s.name, sccRefusal(s, pod)] as const);
            if (refusals.some(([, why]) => why === undefined)) continue;
            problems.push(`${file}: ${rc.name}: ${o.kind} ${o.metadata.name}: no SCC admits its pods (service account ${ns}/${sa} may use ${[...usable].join(", ")}: ` +
                `${refusals.map(([n, why]) => `${n}: ${why}`).join("; ")}); grant its service account an SCC that allows this (a Role with use on it, bound to the account) or change the pod`);
        }
    }
    return problems;
}
