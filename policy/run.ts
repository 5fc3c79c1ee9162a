/**
 * The pack's validators run offline on what the program registered (cli/mockrun.ts), the way the policy server runs
 * them under the CLI (pulumi-policy sdk/nodejs/policy/server.ts `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun`):
 * props deserialized with secrets unwrapped, then wrapped in `unknownCheckingProxy`, so an engine unknown in a copy of
 * the registrations throws exactly as it would at preview. No PolicyPack is constructed (it would start a server).
 */
import type {
    Policies, PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { deserializeProperties, unknownCheckingProxy, UnknownValueError } from "./sdk";

/** What the runner needs of a registration (cli/mockrun.ts Registration). */
export interface RegisteredResource {
    readonly urn: string;
    readonly kind: "register" | "read";
    readonly type: string;
    readonly name: string;
    readonly parent: string;
    readonly dependencies: readonly string[];
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly additionalSecretOutputs?: readonly string[];
    readonly ignoreChanges?: readonly string[];
    readonly customTimeouts: { create: string; update: string; delete: string };
    readonly inputs: Record<string, unknown>;
}

export interface Violation {
    readonly policy: string;
    readonly level: "mandatory" | "advisory";
    readonly urn: string;
    readonly message: string;
    readonly fix: string;
}

export interface PolicyReport {
    readonly policies: number;
    readonly resources: number;
    readonly violations: readonly Violation[];
}

class NotApplicable extends Error {}

/** A Go duration as the SDK sends custom timeouts ("1800s", "1h30m"), in seconds; 0 for anything else. */
const seconds = (d: string): number => {
    const parts = [...d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((m) => m[0]).join("") !== d) return 0;
    const scale: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    return parts.reduce((total, m) => total + Number(m[1]) * scale[m[2]], 0);
};

function props(inputs: Record<string, unknown>): Record<string, unknown> {
    return unknownCheckingProxy(deserializeProperties({ toJavaScript: () => inputs }, false));
}

function options(r: RegisteredResource): PolicyResourceOptions & { retainOnDelete: boolean } {
    return {
        protect: r.protect,
        ignoreChanges: [...(r.ignoreChanges ?? [])],
        aliases: [],
        customTimeouts: { createSeconds: seconds(r.customTimeouts.create), updateSeconds: seconds(r.customTimeouts.update), deleteSeconds: seconds(r.customTimeouts.delete) },
        additionalSecretOutputs: [...(r.additionalSecretOutputs ?? [])],
        ...(r.parent ? { parent: r.parent } : {}),
        // Not sent to analyzers by the engine (policy/policies.ts): the plan knows it, so it checks it.
        retainOnDelete: r.retainOnDelete,
    };
}

const typeOf = (resourceClass: unknown): string | undefined => (resourceClass as { __pulumiType?: string } | undefined)?.__pulumiType;

/** Run every policy on every registered resource and on the stack; violations in policy order, then URN order. */
export function runPolicies(policies: Policies, registrations: readonly RegisteredResource[], config: Readonly<Record<string, Record<string, unknown>>> = {}): PolicyReport {
    const violations: Violation[] = [];
    const managed = registrations.filter((r) => r.kind === "register");
    // Deserialized once per resource: the proxy keeps no state, so every policy can read the same one.
    const propsOf = new Map(managed.map((r) => [r, props(r.inputs)]));
    for (const policy of policies) {
        const level = policy.enforcementLevel === "advisory" ? "advisory" : "mandatory";
        if (policy.enforcementLevel === "disabled") continue;
        const fix = policy.remediationSteps ?? "";
        const getConfig = <T extends object>() => (config[policy.name] ?? {}) as T;
        const notApplicable = (reason?: string): never => {
            throw new NotApplicable(reason);
        };
        const run = (urn: string, call: (report: ReportViolation) => void) => {
            const report: ReportViolation = (message, violationUrn) => violations.push({ policy: policy.name, level, urn: violationUrn ?? urn, message, fix });
            try {
                call(report);
            } catch (e) {
                if (e instanceof NotApplicable) return;
                // What the server does with an unknown a policy let escape: an advisory "can't run" diagnostic.
                if (e instanceof UnknownValueError) {
                    violations.push({ policy: policy.name, level: "advisory", urn, message: `can't run policy during preview: ${e.message}`, fix });
                    return;
                }
                throw e;
            }
        };
        const resourcePolicy = policy as ResourceValidationPolicy;
        if (resourcePolicy.validateResource) {
            const validations = Array.isArray(resourcePolicy.validateResource) ? resourcePolicy.validateResource : [resourcePolicy.validateResource];
            for (const r of managed) {
                const p = propsOf.get(r)!;
                const args: ResourceValidationArgs = {
                    type: r.type, props: p, urn: r.urn, name: r.name, opts: options(r), stackTags: new Map(),
                    isType: (cls) => typeOf(cls) === r.type,
                    asType: ((cls: unknown) => (typeOf(cls) === r.type ? p : undefined)) as ResourceValidationArgs["asType"],
                    getConfig, notApplicable,
                };
                for (const validate of validations) run(r.urn, (report) => void validate(args, report));
            }
        }
        const stackPolicy = policy as StackValidationPolicy;
        if (stackPolicy.validateStack) {
            // A stack policy sees outputs; under mocks a resource's outputs are its inputs (cli/mockrun.ts mockState).
            const byUrn = new Map<string, PolicyResource>();
            const resources: PolicyResource[] = managed.map((r) => {
                const p = propsOf.get(r)!;
                const res: PolicyResource = {
                    type: r.type, props: p, urn: r.urn, name: r.name, opts: options(r), dependencies: [], propertyDependencies: {},
                    isType: (cls) => typeOf(cls) === r.type,
                    asType: ((cls: unknown) => (typeOf(cls) === r.type ? p : undefined)) as PolicyResource["asType"],
                };
                byUrn.set(r.urn, res);
                return res;
            });
            for (const [i, r] of managed.entries()) {
                resources[i].dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
                if (r.parent && byUrn.has(r.parent)) resources[i].parent = byUrn.get(r.parent);
            }
            const root = managed.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
            const args: StackValidationArgs = { resources, stackTags: new Map(), getConfig, notApplicable };
            const validateStack = stackPolicy.validateStack;
            run(root, (report) => void validateStack(args, report));
        }
    }
    return { policies: policies.filter((p) => p.enforcementLevel !== "disabled").length, resources: managed.length, violations };
}

/** One line per violation: the policy, the resource's URN, what is wrong and the fix. */
export function violationLine(v: Violation): string {
    return `policy ${v.policy}${v.level === "advisory" ? " (advisory)" : ""}: ${v.urn}: ${v.message}; fix: ${v.fix}`;
}

/** The summary line a plan prints. */
export function policySummary(report: PolicyReport): string {
    const mandatory = report.violations.filter((v) => v.level === "mandatory");
    const failed = new Set(mandatory.map((v) => v.policy)).size;
    const advisory = report.violations.length - mandatory.length;
    return `Policies (policy/, @pulumi/policy): ${report.policies - failed} of ${report.policies} passed on ${report.resources} resources` +
        (failed > 0 ? `, ${failed} failed with ${mandatory.length} mandatory violation${mandatory.length > 1 ? "s" : ""}` : "") +
        (advisory > 0 ? `, ${advisory} advisory` : "");
}
