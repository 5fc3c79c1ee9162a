// The platform's policy pack: `pulumi preview --policy-pack policy` (docs/policy.md). It resolves its modules from the
// repository's node_modules (npm ci at the root); the CLI does not install a local pack's dependencies.
import * as path from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { loadPolicyContext } from "./context";
import { platformPolicies } from "./policies";

new PolicyPack("saif-platform", {
    description: "The AI pod platform's invariants: gates, tiers, the sealing key, secrets, pins, sync options, rings.",
    enforcementLevel: "mandatory",
    policies: platformPolicies(loadPolicyContext(path.resolve(__dirname, ".."))),
});
