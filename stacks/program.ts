import { deployCluster } from "./cluster";
import { loadStackConfig } from "./config";

/** The cluster program: validate the stack's config, then deploy the cluster. */
export function program(): Record<string, unknown> {
    const { config, secrets } = loadStackConfig();
    return { ...deployCluster(config, secrets) };
}
