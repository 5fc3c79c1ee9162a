import { deployCluster } from "./cluster";
import { loadStackConfig } from "./config";
import { deployFleet } from "./fleet";

/** The whole program: validate the stack's config, then deploy the fleet key or one cluster. */
export function program(): Record<string, unknown> {
    const loaded = loadStackConfig();
    return loaded.kind === "fleet" ? { ...deployFleet(loaded.fleet) } : { ...deployCluster(loaded.config, loaded.secrets) };
}
