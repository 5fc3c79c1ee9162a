/**
 * One drift report for the fleet, from what the scheduled workflow collects per stack (docs/drift.md):
 * - `refresh.json`: `pulumi refresh --preview-only --expect-no-changes --json`. A refresh preview prints the preview
 *   digest (pulumi pkg/backend/display/display.go `ShowEvents`: JSON display of a preview goes to `ShowPreviewDigest`,
 *   json.go), whose shape is pkg/display/json.go `PreviewDigest`: `steps[]` of `PreviewStep{op, urn, provider,
 *   oldState, newState, diffReasons, replaceReasons, detailedDiff{path: {kind, inputDiff}}}`, `diagnostics[]` of
 *   `{urn, prefix, message, severity}`, `changeSummary{op: count}`. A refreshed resource that changed is rewritten to
 *   op `update` with its detailedDiff, one gone from the cluster to `delete` (ShowPreviewDigest, ResourceOutputsEvent);
 *   secrets are printed as "[secret]" (json.go `MassageSecrets`). Diff kinds are sdk/go/common/resource/plugin/
 *   provider.go `DiffKind.String()`: add, add-replace, delete, delete-replace, update, update-replace.
 * - `refresh.exit`: its exit code: 0 no change, 7 changes with --expect-no-changes (pkg/cmd/pulumi/cmd/exit_codes.go,
 *   CLI 3.226.0 and later), anything else a failed refresh.
 * - `applications.json`: `kubectl get applications.argoproj.io -o json` in Argo CD's namespace (a v1 List).
 */
import { z } from "zod";
import { isCommit } from "./gates";
import { valueAt } from "./merge";

export type Layer = "pulumi" | "argocd";

export interface Finding {
    readonly stack: string;
    readonly layer: Layer;
    /** The object, named without its cluster (so identical drifts on several clusters group). */
    readonly object: string;
    readonly what: string;
    readonly detail: string;
}

/** Bad input: one line, naming the file. */
export class DriftInputError extends Error {}

const stateSchema = z.object({ type: z.string().optional(), outputs: z.record(z.string(), z.unknown()).optional(), inputs: z.record(z.string(), z.unknown()).optional() }).passthrough();
const digestSchema = z.object({
    steps: z.array(z.object({
        op: z.string(),
        urn: z.string(),
        oldState: stateSchema.optional(),
        newState: stateSchema.optional(),
        diffReasons: z.array(z.string()).nullish(),
        detailedDiff: z.record(z.string(), z.object({ kind: z.string(), inputDiff: z.boolean().optional() }).passthrough()).nullish(),
    }).passthrough()).nullish(),
    diagnostics: z.array(z.object({ urn: z.string().optional(), message: z.string().optional(), severity: z.string().optional() }).passthrough()).nullish(),
    changeSummary: z.record(z.string(), z.number()).nullish(),
}).passthrough();
export type RefreshDigest = z.infer<typeof digestSchema>;

const applicationSchema = z.object({
    metadata: z.object({ name: z.string() }).passthrough(),
    spec: z.object({
        source: z.object({ repoURL: z.string().optional(), targetRevision: z.string().optional(), chart: z.string().optional() }).passthrough().optional(),
    }).passthrough().optional(),
    status: z.object({
        sync: z.object({ status: z.string().optional(), revision: z.string().optional() }).passthrough().optional(),
        health: z.object({ status: z.string().optional(), message: z.string().optional() }).passthrough().optional(),
        operationState: z.object({ phase: z.string().optional(), message: z.string().optional() }).passthrough().optional(),
        resources: z.array(z.object({ kind: z.string().optional(), namespace: z.string().optional(), name: z.string().optional(), status: z.string().optional() }).passthrough()).optional(),
    }).passthrough().optional(),
}).passthrough();
const applicationListSchema = z.object({ items: z.array(applicationSchema) }).passthrough();
export type LiveApplicationObject = z.infer<typeof applicationSchema>;

/** `text` as JSON of `schema`; one line naming `file` when it is not: how to collect it, or what it should be. */
function parseCollected<T>(file: string, text: string, schema: z.ZodType<T>, collect: string, shape: string): T {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new DriftInputError(`${file}: not JSON (${(e as Error).message}); collect it with ${collect}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new DriftInputError(`${file}: ${i.path.join(".") || "(top)"}: ${i.message}; not ${shape}`);
    }
    return parsed.data;
}

/** The refresh digest in `text`; one line naming `file` when it is not one. */
export function parseRefresh(file: string, text: string): RefreshDigest {
    if (text.trim() === "") throw new DriftInputError(`${file}: empty; pulumi refresh printed nothing (see the job's log: the stack or the cluster may be unreachable)`);
    return parseCollected(file, text, digestSchema, "pulumi refresh --preview-only --expect-no-changes --json",
        "the preview digest pulumi refresh --preview-only --json prints");
}

export function parseApplications(file: string, text: string): LiveApplicationObject[] {
    return parseCollected(file, text, applicationListSchema, "kubectl get applications.argoproj.io -n <namespace> -o json",
        "the List kubectl get applications.argoproj.io -o json prints").items;
}

export function parseExitCode(file: string, text: string): number {
    const t = text.trim();
    if (!/^\d{1,3}$/.test(t)) throw new DriftInputError(`${file}: ${JSON.stringify(t.slice(0, 40))} is not an exit code; write the refresh's $? into it`);
    return Number(t);
}

/**
 * A detailedDiff key as a path: `spec.template.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`
 * (pulumi sdk/go/common/resource/property_path.go `PropertyPath.String`: names that are not identifiers are quoted
 * in brackets).
 */
export function parsePropertyPath(p: string): (string | number)[] {
    const out: (string | number)[] = [];
    let i = 0;
    while (i < p.length) {
        if (p[i] === ".") {
            i++;
            continue;
        }
        if (p[i] === "[") {
            if (p[i + 1] === "\"") {
                let j = i + 2;
                while (j < p.length && !(p[j] === "\"" && p[j - 1] !== "\\")) j++;
                out.push(JSON.parse(p.slice(i + 1, j + 1)) as string);
                i = p.indexOf("]", j) + 1 || p.length;
            } else {
                const j = p.indexOf("]", i);
                const inner = p.slice(i + 1, j < 0 ? p.length : j);
                out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
                i = j < 0 ? p.length : j + 1;
            }
            continue;
        }
        let j = i;
        while (j < p.length && p[j] !== "." && p[j] !== "[") j++;
        out.push(p.slice(i, j));
        i = j;
    }
    return out;
}

/**
 * An empty value: what a defaulted field is added with. `false` and `0` are not empty here: someone turning a switch
 * off (automated sync `enabled: false`) or scaling to zero adds exactly those, and that is drift.
 */
const isEmpty = (v: unknown) => v === undefined || v === null || v === "" ||
    (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

/** Fields that change without anyone changing the object: each with why it is not drift. */
export const noiseRules: readonly { readonly why: string; readonly test: (path: readonly (string | number)[], kind: string, after: unknown) => boolean }[] = [
    { why: "status is the controllers' report, not configuration", test: (p) => p[0] === "status" },
    {
        why: "metadata the API server maintains",
        test: (p) => p[0] === "metadata" && ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"].includes(String(p[1])),
    },
    {
        why: "annotations tools write on every apply or refresh",
        test: (p) => p[0] === "metadata" && p[1] === "annotations" && ["kubectl.kubernetes.io/last-applied-configuration", "argocd.argoproj.io/refresh"].includes(String(p[2])),
    },
    { why: "the provider's own bookkeeping keys", test: (p) => String(p[0]).startsWith("__") },
    { why: "an Application's operation is Argo CD's request in flight, cleared when it ends", test: (p) => p[0] === "operation" },
    { why: "a field defaulted by the API server or a controller (added empty)", test: (_p, kind, after) => kind.startsWith("add") && isEmpty(after) },
    {
        // argo-cd pkg/apis/application/v1alpha1/types.go SyncPolicyAutomated.Enabled: unset means enabled.
        why: "Argo CD's automated.enabled written out as its default (true)",
        test: (p, kind, after) => kind.startsWith("add") && p.join(".") === "spec.syncPolicy.automated.enabled" && after === true,
    },
];

export const isNoise = (path: readonly (string | number)[], kind: string, after: unknown) => noiseRules.some((r) => r.test(path, kind, after));

function show(v: unknown): string {
    if (v === undefined) return "(absent)";
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A Pulumi resource named as the cluster knows it (kind namespace/name), else by its URN without the stack. */
function objectName(urn: string, outputs: Record<string, unknown> | undefined): string {
    const kind = valueAt(outputs, ["kind"]);
    const name = valueAt(outputs, ["metadata", "name"]);
    const ns = valueAt(outputs, ["metadata", "namespace"]);
    if (typeof kind === "string" && typeof name === "string") return `${kind} ${typeof ns === "string" ? `${ns}/` : ""}${name}`;
    const parts = urn.split("::");
    return `${(parts[2] ?? "").split("$").pop()} ${parts[3] ?? urn}`;
}

/** What the refresh says drifted in one stack: the Pulumi-owned objects, noise left out. */
export function refreshFindings(stack: string, digest: RefreshDigest, exitCode: number): Finding[] {
    const out: Finding[] = [];
    for (const s of digest.steps ?? []) {
        const outputsBefore = s.oldState?.outputs;
        const outputsAfter = s.newState?.outputs;
        const object = objectName(s.urn, outputsBefore ?? outputsAfter);
        if (s.op === "delete") {
            out.push({ stack, layer: "pulumi", object, what: "missing", detail: "deleted outside Pulumi (the refresh would drop it from the state; pulumi up recreates it)" });
            continue;
        }
        if (s.op !== "update") continue;
        const diffs = s.detailedDiff ? Object.entries(s.detailedDiff).map(([k, d]) => [k, d.kind] as const) : (s.diffReasons ?? []).map((k) => [k, "update"] as const);
        for (const [key, kind] of diffs) {
            const path = parsePropertyPath(key);
            const before = valueAt(outputsBefore, path);
            const after = valueAt(outputsAfter, path);
            if (isNoise(path, kind, after)) continue;
            out.push({ stack, layer: "pulumi", object, what: key, detail: `${kind}: ${show(before)} -> ${show(after)}` });
        }
    }
    const errors = (digest.diagnostics ?? []).filter((d) => d.severity === "error");
    for (const d of errors) {
        out.push({ stack, layer: "pulumi", object: d.urn ? objectName(d.urn, undefined) : "(the refresh)", what: "refresh failed", detail: (d.message ?? "").trim().split("\n")[0].trim().slice(0, 200) });
    }
    if (exitCode !== 0 && exitCode !== 7 && errors.length === 0) {
        out.push({ stack, layer: "pulumi", object: "(the refresh)", what: "refresh failed", detail: `pulumi refresh exited ${exitCode} (see the job's log)` });
    }
    return out;
}

const unhealthy = new Set(["Degraded", "Missing", "Unknown", "Suspended"]);

/**
 * What the cluster's Argo CD says: every Application Synced and Healthy, its last sync not failed, and at the release
 * (status.sync.revision: argo-cd pkg/apis/application/v1alpha1/types.go `SyncStatus.Revision`). An Application pinned to
 * a commit must be at that commit; one following a branch at the release. Progressing is not counted: it is a sync
 * under way, and a stuck one shows as a failed sync or Degraded.
 */
export function applicationFindings(stack: string, apps: readonly LiveApplicationObject[], expected: readonly string[], release: string | undefined): Finding[] {
    const out: Finding[] = [];
    const byName = new Map(apps.map((a) => [a.metadata.name, a]));
    for (const name of expected) {
        if (!byName.has(name)) out.push({ stack, layer: "argocd", object: `Application ${name}`, what: "missing", detail: "the stack manages it, the cluster has none" });
    }
    for (const a of [...apps].sort((x, y) => x.metadata.name.localeCompare(y.metadata.name))) {
        const object = `Application ${a.metadata.name}`;
        const st = a.status;
        const sync = st?.sync?.status ?? "Unknown";
        if (sync !== "Synced") {
            const outOf = (st?.resources ?? []).filter((r) => r.status === "OutOfSync").map((r) => `${r.kind ?? "?"} ${r.namespace ? `${r.namespace}/` : ""}${r.name ?? "?"}`).sort();
            const listed = outOf.length > 10 ? [...outOf.slice(0, 10), `and ${outOf.length - 10} more`] : outOf;
            out.push({ stack, layer: "argocd", object, what: "sync", detail: `${sync}${listed.length > 0 ? `: ${listed.join(", ")}` : ""}` });
        }
        const health = st?.health?.status ?? "Unknown";
        if (unhealthy.has(health)) out.push({ stack, layer: "argocd", object, what: "health", detail: `${health}${st?.health?.message ? `: ${st.health.message.split("\n")[0].slice(0, 160)}` : ""}` });
        const phase = st?.operationState?.phase;
        if (phase === "Failed" || phase === "Error") {
            out.push({ stack, layer: "argocd", object, what: "last sync failed", detail: `${phase}: ${(st?.operationState?.message ?? "").split("\n")[0].slice(0, 200)}` });
        }
        const source = a.spec?.source;
        if (release && source && source.chart === undefined && source.targetRevision !== undefined) {
            const want = isCommit(source.targetRevision) ? source.targetRevision : release;
            const at = st?.sync?.revision;
            if (at !== want) out.push({ stack, layer: "argocd", object, what: "revision", detail: `at ${at ? at.slice(0, 12) : "(none)"}, ${isCommit(source.targetRevision) ? "pinned to" : "release"} ${want.slice(0, 12)}` });
        }
    }
    return out;
}

/** The Applications a stack manages, from its refresh (their URNs carry the Application type). */
export function managedApplications(digest: RefreshDigest): string[] {
    return [...new Set((digest.steps ?? [])
        .filter((s) => s.urn.includes("kubernetes:argoproj.io/v1alpha1:Application::") && s.op !== "delete")
        .map((s) => {
            const name = valueAt(s.oldState?.outputs ?? s.newState?.outputs, ["metadata", "name"]);
            return typeof name === "string" ? name : s.urn.split("::").pop() ?? "";
        }))].sort();
}

export interface StackResult {
    readonly stack: string;
    readonly refreshExit: number;
    readonly findings: readonly Finding[];
}

export interface DriftReport {
    readonly markdown: string;
    readonly exitCode: 0 | 1 | 7;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/`/g, "'");

/** The report: per stack a line, then each drifted object once with its drifts and the stacks that have them. */
export function renderDriftReport(results: readonly StackResult[], problems: readonly string[], release: string | undefined): DriftReport {
    const stacks = [...results].sort((a, b) => a.stack.localeCompare(b.stack));
    const all = stacks.flatMap((r) => r.findings);
    const groups = new Map<string, { f: Finding; stacks: Set<string> }>();
    for (const f of all) {
        const key = JSON.stringify([f.layer, f.object, f.what, f.detail]);
        const g = groups.get(key) ?? { f, stacks: new Set<string>() };
        g.stacks.add(f.stack);
        groups.set(key, g);
    }
    const drifted = stacks.filter((r) => r.findings.length > 0).length;
    const lines: string[] = [
        "<!-- saif-platform:drift-report -->",
        "# Fleet drift report",
        "",
        `${release ? `Release \`${release.slice(0, 12)}\`` : "No release given (--revision): revisions not compared"}; ${stacks.length} stack${stacks.length === 1 ? "" : "s"} read, ` +
            `${drifted} with drift; ${all.length} finding${all.length === 1 ? "" : "s"} in ${groups.size} group${groups.size === 1 ? "" : "s"}` +
            (problems.length > 0 ? `; ${problems.length} input problem${problems.length === 1 ? "" : "s"}` : "") + ".",
        "",
        "| stack | refresh exit | Pulumi-owned objects | Argo CD Applications |",
        "|---|---|---|---|",
    ];
    const count = (r: StackResult, layer: Layer) => {
        const n = new Set(r.findings.filter((f) => f.layer === layer).map((f) => f.object)).size;
        return n === 0 ? "clean" : `${n} drifted`;
    };
    for (const r of stacks) lines.push(`| \`${r.stack}\` | ${r.refreshExit} | ${count(r, "pulumi")} | ${count(r, "argocd")} |`);
    if (problems.length > 0) {
        lines.push("", "## Not read", "", ...problems.map((p) => `- ${cell(p)}`));
    }
    if (groups.size > 0) {
        lines.push("", "## Drift", "", "Each object once; a drift found on several stacks is listed once with all of them.");
        const byObject = new Map<string, { f: Finding; stacks: Set<string> }[]>();
        for (const g of groups.values()) {
            const k = `${g.f.layer === "pulumi" ? "Pulumi" : "Argo CD"}: ${g.f.object}`;
            byObject.set(k, [...(byObject.get(k) ?? []), g]);
        }
        for (const k of [...byObject.keys()].sort()) {
            lines.push("", `### ${cell(k)}`, "");
            const gs = byObject.get(k)!.sort((a, b) => (a.f.what + a.f.detail).localeCompare(b.f.what + b.f.detail));
            for (const g of gs) lines.push(`- \`${cell(g.f.what)}\` ${cell(g.f.detail)} (${[...g.stacks].sort().join(", ")})`);
        }
    }
    lines.push("", `Noise left out: ${noiseRules.map((r) => r.why).join("; ")}.`, "");
    return { markdown: lines.join("\n"), exitCode: problems.length > 0 ? 1 : all.length > 0 ? 7 : 0 };
}
