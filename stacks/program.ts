import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { argocdMoveProblem } from "../lib/dayTwo";
import { undeliveredSecrets } from "../lib/delivery";
import type { ClusterConfig } from "./types";
import { ConfigProblems } from "../lib/problems";
import { withChartMirror } from "./charts";
import { deployCluster } from "./cluster";
import { loadStackConfig } from "./config";

/**
 * This stack's own outputs from its last deployment (a stack may read itself, pulumi/pulumi#3722): Argo CD's
 * namespace and flavor must not move under the Applications (lib/dayTwo.ts). Awaited before any other resource is
 * registered, so a refused move touches nothing; a new stack has no outputs.
 */
async function previousDeploymentProblem(config: ClusterConfig): Promise<string | undefined> {
    const self = new pulumi.StackReference("previous-deployment", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
    const [namespace, flavor] = await Promise.all([self.getOutputDetails("argocdNamespace"), self.getOutputDetails("argocdFlavor")]);
    return argocdMoveProblem({ namespace: namespace.value, flavor: flavor.value }, config.argocd);
}

/**
 * The cluster program: validate the stack's config, then deploy the cluster. Asynchronous: the Pulumi runtime awaits
 * what the program module exports (@pulumi/pulumi cmd/run/run.js `runProgram`: a function is called, its result awaited).
 */
export async function program(): Promise<Record<string, unknown>> {
    const { config, secrets } = loadStackConfig();
    let resolved = config;
    try {
        // The project's folder is the GitOps repository's checkout (Pulumi.yaml beside apps/).
        resolved = withChartMirror(config, process.cwd());
    } catch (e) {
        if (e instanceof ConfigProblems) throw new pulumi.RunError(e.message);
        throw e;
    }
    // A secret no delivery path provides: `pulumi up` stops before registering anything; a preview says what up will refuse.
    const undelivered = secretsNotDelivered(config, process.cwd());
    if (undelivered.length > 0) {
        if (!pulumi.runtime.isDryRun()) throw new pulumi.RunError(undelivered.join("\n"));
        for (const line of undelivered) void pulumi.log.warn(`pulumi up will refuse: ${line}`);
    }
    const moved = await previousDeploymentProblem(config);
    if (moved) throw new pulumi.RunError(moved);
    return { ...deployCluster(resolved, secrets) };
}

/**
 * What `pulumi up` refuses for this checkout before registering anything: secrets no path delivers (lib/delivery.ts),
 * and a cluster folder that is not there. saif-apps reads `clusters/<cluster>/`; Argo CD reports a missing path as a
 * ComparisonError ("app path does not exist", argo-cd util/app/path/path.go `ErrAppPathDoesNotExist` @ 37ee0097cf85), so saif-apps would never
 * be Synced and its gate would time out.
 */
export function secretsNotDelivered(config: ClusterConfig, repoDir: string): string[] {
    const folder = config.gitops.clusterAppsPath;
    return [
        ...(existsSync(path.join(repoDir, folder)) ? [] : [`saif-platform:gitops.clusterAppsPath: ${folder} is not a folder of this repository; ` +
            `saif-apps watches it (Argo CD fails on a missing path): add it with a README.md (Git keeps no empty folder), as clusters/ai-pod-1/ has`]),
        ...undeliveredSecrets(config.secrets, config.secretDelivery, new Set(config.components.map((c) => c.name)),
            (p) => existsSync(path.join(repoDir, p)), config.cluster),
    ];
}
