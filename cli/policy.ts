import { ConfigProblems } from "../lib/problems";
import { loadPolicyContext } from "../policy/context";
import { platformPolicies } from "../policy/policies";
import { PolicyReport, policySummary, runPolicies, violationLine } from "../policy/run";
import type { Recording } from "./mockrun";

/** The pack's policies on a plan's registrations (the repository `dir` gives the rings and the stack files). */
export function checkPolicies(dir: string, recording: Pick<Recording, "registrations">): { report: PolicyReport; failures: string[] } {
    const report = runPolicies(platformPolicies(loadPolicyContext(dir)), recording.registrations);
    return { report, failures: report.violations.filter((v) => v.level === "mandatory").map(violationLine) };
}

/** The plan's policy stage: the summary line (and any advisory, one line each), or ConfigProblems with one line per mandatory violation and the summary. */
export function policyStage(dir: string, recording: Pick<Recording, "registrations">): string {
    const { report, failures } = checkPolicies(dir, recording);
    if (failures.length > 0) throw new ConfigProblems([...failures, policySummary(report)]);
    const advisories = report.violations.filter((v) => v.level === "advisory").map((v) => `  ${violationLine(v)}`);
    return [policySummary(report), ...advisories].join("\n");
}
