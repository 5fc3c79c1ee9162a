import { createHash } from "node:crypto";

/**
 * Pulumi's gate on an Application, bound to the spec Pulumi just wrote.
 *
 * `pulumi.com/waitFor` is evaluated on the object as written (pulumi-kubernetes provider/pkg/await/await.go
 * `Update`), and its JSONPath condition only refuses a stale object through `status.observedGeneration`
 * (provider/pkg/await/condition/jsonpath.go `Satisfied`), which an Application does not have. Right after an update
 * `Synced`/`Healthy` still describe the previous spec, so the gate must also name the new one. Argo CD copies the
 * spec's source and ignoreDifferences into `status.sync.comparedTo` when it compares
 * (argoproj/argo-cd controller/state.go `CompareAppState`: `ComparedTo{Source, Destination, IgnoreDifferences}`),
 * so the gate waits for a comparison of exactly this source, then for Synced and Healthy.
 *
 * Helm values and Kustomize patches are not scalars, and a waitFor value is compared as a string
 * (provider/pkg/jsonpath/jsonpath.go `Matches`). Their fingerprint travels instead in an inert ignoreDifferences
 * rule (a kind no cluster has, so it ignores nothing) that Argo CD echoes back in `comparedTo`.
 */

export interface GatedSource {
    readonly repoURL: string;
    readonly targetRevision: string;
    /** A folder of a Git repository; or, for a chart from a Helm repository, `chart`. */
    readonly path?: string;
    readonly chart?: string;
    readonly helm?: unknown;
    readonly kustomize?: unknown;
    readonly directory?: unknown;
}

/** The group and kind of the inert rule that carries the fingerprint. */
export const fingerprintRule = { group: "saif.io", kind: "SourceFingerprint" } as const;

/** Stable JSON: keys sorted at every level, so the same spec always gives the same fingerprint. */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/** A short fingerprint of everything in a source that can change what Argo CD renders. */
export function sourceFingerprint(source: GatedSource): string {
    return createHash("sha256").update(canonicalJson(source)).digest("hex").slice(0, 16);
}

/** The inert ignoreDifferences rule that carries the fingerprint (always the first rule). */
export function fingerprintIgnoreRule(source: GatedSource): { group: string; kind: string; name: string; jsonPointers: string[] } {
    return { ...fingerprintRule, name: sourceFingerprint(source), jsonPointers: ["/saif-fingerprint"] };
}

/** A 40-hex revision is a commit: Argo CD then reports exactly it in `status.sync.revision`. */
export const isCommit = (revision: string) => /^[0-9a-f]{40}$/.test(revision);

/**
 * A value the provider's JSONPath parser cannot carry: it splits on a bare "=" and trims nothing
 * (provider/pkg/jsonpath/jsonpath.go `Parse`), so such a value would make the annotation unparseable.
 */
export function gateValueProblem(value: string): string | undefined {
    if (value.length === 0) return "must not be empty";
    if (/\s/.test(value)) return "must not contain white space";
    if (value.includes("=")) return "must not contain \"=\" (Pulumi's waitFor gate could not name it)";
    return undefined;
}

/**
 * The waitFor expressions of an Application: its comparison is of this source, then Synced and (unless `healthy` is
 * false) Healthy.
 */
export function applicationGate(source: GatedSource, opts: { healthy?: boolean } = {}): string[] {
    // A Git folder is named by its path, a Helm repository's chart by its name (ApplicationSource `path` / `chart`).
    const [field, value] = source.chart !== undefined ? ["chart", source.chart] : ["path", source.path ?? ""];
    for (const v of [source.repoURL, source.targetRevision, value]) {
        const problem = gateValueProblem(v);
        if (problem) throw new Error(`cannot gate on ${JSON.stringify(v)}: ${problem}`);
    }
    return [
        `jsonpath={.status.sync.comparedTo.source.repoURL}=${source.repoURL}`,
        `jsonpath={.status.sync.comparedTo.source.targetRevision}=${source.targetRevision}`,
        `jsonpath={.status.sync.comparedTo.source.${field}}=${value}`,
        `jsonpath={.status.sync.comparedTo.ignoreDifferences[0].name}=${sourceFingerprint(source)}`,
        ...(isCommit(source.targetRevision) ? [`jsonpath={.status.sync.revision}=${source.targetRevision}`] : []),
        "jsonpath={.status.sync.status}=Synced",
        ...(opts.healthy === false ? [] : ["jsonpath={.status.health.status}=Healthy"]),
    ];
}
