import * as pulumi from "@pulumi/pulumi";
import { ConfigProblems } from "../lib/problems";
import { withChartMirror } from "./charts";
import { deployCluster } from "./cluster";
import { loadStackConfig } from "./config";

/** The cluster program: validate the stack's config, then deploy the cluster. */
export function program(): Record<string, unknown> {
    const { config, secrets } = loadStackConfig();
    let resolved = config;
    try {
        // The project's folder is the GitOps repository's checkout (Pulumi.yaml beside apps/).
        resolved = withChartMirror(config, process.cwd());
    } catch (e) {
        if (e instanceof ConfigProblems) throw new pulumi.RunError(e.message);
        throw e;
    }
    return { ...deployCluster(resolved, secrets) };
}
