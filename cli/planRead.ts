import { readSnapshot } from "./diff";
import type { PlanSnapshot } from "../lib/diffReport";
import { buildPlan, writePlan } from "./plan";

/** Plan a stack in this process (this checkout's code), write it to `out` as `plan --out` does, and read it back. */
export async function planAndRead(dir: string, stack: string, out: string, configFile?: string, valuesFile?: string): Promise<PlanSnapshot> {
    writePlan(out, await buildPlan(dir, stack, configFile, valuesFile));
    return readSnapshot(out);
}
