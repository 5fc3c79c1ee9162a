/**
 * Channels the operators' packages publish, where known: a Subscription naming another channel never resolves
 * (OLM leaves it without an InstallPlan). Sources: the GPU operator's releases (a channel per minor,
 * NVIDIA/gpu-operator tags v26.3.x, and "stable"), Red Hat's NFD and LVMS docs (NFD: "stable"; LVMS:
 * "stable-4.<OpenShift minor>"), OpenShift GitOps ("latest" and "gitops-1.<minor>").
 */
export const knownChannels: Readonly<Record<string, RegExp>> = {
    "nfd": /^stable$/,
    "gpu-operator-certified": /^(stable|v2[4-9]\.\d{1,2})$/,
    "lvms-operator": /^stable-4\.(1[2-9]|2\d)$/,
    "openshift-gitops-operator": /^(latest|gitops-1\.\d{1,2})$/,
};

/** The problem with a Subscription's channel, if its package is known and the channel is not one it publishes. */
export function channelProblem(pkg: string, channel: string): string | undefined {
    const known = knownChannels[pkg];
    if (!known || known.test(channel)) return undefined;
    return `channel ${JSON.stringify(channel)} is not one package ${pkg} publishes (${known.source}); OLM would never resolve it`;
}
