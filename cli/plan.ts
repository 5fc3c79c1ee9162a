import { planCluster, renderPlan } from "../lib/plan";
import { ConfigProblems } from "../lib/problems";
import { parseClusterConfig } from "../stacks/parse";
import { loadStack } from "./stackFile";

export interface PlanFlags {
    stack?: string;
    config?: string;
    values?: string;
    out?: string;
    svg?: boolean;
}

export function planCommand(flags: PlanFlags): number {
    if (!flags.stack) throw new ConfigProblems(["--stack: is required; e.g. npm run plan -- --stack ai-pod-1"]);
    const input = loadStack(process.cwd(), flags.stack, flags.config, flags.values);
    const config = parseClusterConfig(input);
    const plan = planCluster(config);
    console.log(renderPlan(plan));
    return 0;
}
