import { createHash } from "node:crypto";
import { z } from "zod";
import { ConfigProblems, quoteList, show } from "./problems";

/**
 * A fleet rollout, ring by ring: the fleet file, the journal of what happened, and the one decision function the
 * simulator (and a real run) asks what to do next. Pure: the clock is an argument.
 */

export interface Ring {
    readonly name: string;
    readonly stacks: readonly string[];
    /** Stacks of this ring running at once (started, no verdict yet). */
    readonly maxParallel: number;
    /** Failed stacks this ring tolerates; the first ring tolerates none. */
    readonly failureBudget: number;
    readonly soakSeconds: number;
    /** A started stack not healthy this long after its start has failed. */
    readonly deadlineSeconds: number;
}

/** What a simulated stack does, in seconds from its start. */
export type Outcome =
    | { readonly healthyAfter: number; readonly degradesAfter?: number }
    | { readonly failsAfter: number }
    | { readonly stuck: true };

export interface Fleet {
    readonly rings: readonly Ring[];
    /** Simulated stacks' outcomes (a simulated fleet's stacks need not exist as stack files). */
    readonly outcomes?: Readonly<Record<string, Outcome>>;
}

export type EventKind = "started" | "healthy" | "failed" | "degraded";

export interface JournalEvent {
    readonly t: number;
    readonly stack: string;
    readonly kind: EventKind;
    /** The release this verdict is about: only the rollout's own release counts, never a Healthy from before. */
    readonly release: string;
    readonly reason?: string;
}

export interface Journal {
    readonly version: 1;
    /** The fleet file's hash: a journal resumes only the rollout it was written for. */
    readonly fleet: string;
    readonly release: string;
    /** The time the journal was written up to (seconds from the rollout's start). */
    readonly now: number;
    readonly events: readonly JournalEvent[];
}

export type Decision =
    | { readonly kind: "start"; readonly ring: string; readonly stacks: readonly string[] }
    /** Nothing to do until `until` (a deadline or a soak's end), or until a stack reports. */
    | { readonly kind: "wait"; readonly ring: string; readonly until: number }
    | { readonly kind: "halt"; readonly ring: string; readonly at: number; readonly stacks: readonly string[]; readonly reason: string }
    | { readonly kind: "done"; readonly at: number };

const seconds = z.number().int().nonnegative();
const outcomeSchema = z.union([
    z.strictObject({ healthyAfter: seconds, degradesAfter: seconds.optional() }),
    z.strictObject({ failsAfter: seconds }),
    z.strictObject({ stuck: z.literal(true) }),
]);
const fleetSchema = z.strictObject({
    soakSeconds: seconds.optional(),
    deadlineSeconds: z.number().int().positive().optional(),
    failureBudget: seconds.optional(),
    rings: z.array(z.strictObject({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
        stacks: z.array(z.string().min(1)).min(1),
        maxParallel: z.number().int().positive().optional(),
        failureBudget: seconds.optional(),
        soakSeconds: seconds.optional(),
        deadlineSeconds: z.number().int().positive().optional(),
    })).min(1),
    outcomes: z.record(z.string(), outcomeSchema).optional(),
});

/**
 * A fleet file, validated like stack config: one line per problem naming the key. `stackExists` says whether a stack
 * file exists, and every one of `repositoryStacks` must be in a ring; a simulated fleet (with `outcomes`) needs none. `deadlineFor` gives a stack's default deadline (its
 * time-to-ready estimate with a margin) when the file sets none.
 */
export function parseFleet(file: string, raw: unknown, stackExists: (stack: string) => boolean, deadlineFor?: (stack: string) => number | undefined,
    repositoryStacks: readonly string[] = []): Fleet {
    const parsed = fleetSchema.safeParse(raw);
    if (!parsed.success) {
        throw new ConfigProblems(parsed.error.issues.map((i) => `${file}: ${i.path.join(".") || "(top)"}: ${i.message}; see docs/fleet.md`));
    }
    const f = parsed.data;
    const problems: string[] = [];
    const seen = new Map<string, string>();
    const names = new Set<string>();
    for (const [i, r] of f.rings.entries()) {
        if (names.has(r.name)) problems.push(`${file}: rings[${i}].name: ${show(r.name)} is named twice; give each ring its own name`);
        names.add(r.name);
        for (const s of r.stacks) {
            const other = seen.get(s);
            if (other !== undefined) problems.push(`${file}: rings[${i}].stacks: ${show(s)} is also in ring ${show(other)}; put every stack in exactly one ring`);
            else seen.set(s, r.name);
            if (!f.outcomes && !stackExists(s)) problems.push(`${file}: rings[${i}].stacks: ${show(s)} has no stack file Pulumi.${s}.yaml; add it or remove the stack`);
        }
    }
    // A real fleet rolls out to every stack of the repository: one left out would never get the change.
    const left = f.outcomes ? [] : repositoryStacks.filter((s) => !seen.has(s));
    if (left.length > 0) problems.push(`${file}: rings: ${quoteList(left)} is in no ring (its stack file exists); add it to a ring`);
    if (f.outcomes) {
        const missing = [...seen.keys()].filter((s) => !(s in f.outcomes!));
        if (missing.length > 0) problems.push(`${file}: outcomes: no outcome for ${quoteList(missing)}; give each simulated stack healthyAfter, failsAfter or stuck`);
        const strangers = Object.keys(f.outcomes).filter((s) => !seen.has(s));
        if (strangers.length > 0) problems.push(`${file}: outcomes: ${quoteList(strangers)} is in no ring; remove it or add it to a ring`);
        for (const [s, o] of Object.entries(f.outcomes)) {
            if ("degradesAfter" in o && o.degradesAfter !== undefined && o.degradesAfter < o.healthyAfter) {
                problems.push(`${file}: outcomes.${s}.degradesAfter: ${o.degradesAfter} is before healthyAfter ${o.healthyAfter}; a stack degrades only after it turned healthy`);
            }
        }
    }
    const rings: Ring[] = f.rings.map((r, i) => {
        let deadline = r.deadlineSeconds ?? f.deadlineSeconds;
        if (deadline === undefined) {
            const estimates = r.stacks.map((s) => deadlineFor?.(s));
            if (estimates.some((e) => e === undefined)) {
                problems.push(`${file}: rings[${i}].deadlineSeconds: not set, and no estimate for ${quoteList(r.stacks.filter((_, k) => estimates[k] === undefined))}; set deadlineSeconds`);
                deadline = 1;
            } else deadline = Math.max(...(estimates as number[]));
        }
        return {
            name: r.name,
            stacks: r.stacks,
            maxParallel: r.maxParallel ?? r.stacks.length,
            failureBudget: i === 0 ? 0 : (r.failureBudget ?? f.failureBudget ?? 0),
            soakSeconds: r.soakSeconds ?? f.soakSeconds ?? 0,
            deadlineSeconds: deadline,
        };
    });
    if (problems.length > 0) throw new ConfigProblems(problems);
    return { rings, ...(f.outcomes ? { outcomes: f.outcomes } : {}) };
}

/** The fleet's identity for a journal: its rings and outcomes, in order. */
export function fleetHash(fleet: Fleet): string {
    return createHash("sha256").update(JSON.stringify(fleet)).digest("hex").slice(0, 16);
}

interface StackVerdict {
    start: number;
    /** When it turned healthy (by its deadline). */
    healthy?: number;
    /** When it failed, and why. */
    failed?: number;
    reason?: string;
    degraded?: number;
}

interface RingState {
    /** When it completed (its soak over, within budget), if it has. */
    completedAt?: number;
    halt?: { at: number; stacks: string[]; reason: string };
    running: string[];
    unstarted: string[];
    /** The next time the ring's state changes by the clock alone (a deadline, the soak's end). */
    next?: number;
}

/** One ring as of `now`, from its stacks' events (already filtered to the release). */
function ringState(ring: Ring, byStack: Map<string, JournalEvent[]>, now: number): RingState {
    const verdicts = new Map<string, StackVerdict>();
    const unstarted: string[] = [];
    for (const s of ring.stacks) {
        const events = byStack.get(s) ?? [];
        const started = events.find((e) => e.kind === "started");
        if (!started) {
            unstarted.push(s);
            continue;
        }
        const deadline = started.t + ring.deadlineSeconds;
        const v: StackVerdict = { start: started.t };
        const healthy = events.find((e) => e.kind === "healthy" && e.t >= started.t);
        const failed = events.find((e) => e.kind === "failed" && e.t >= started.t);
        if (healthy && healthy.t <= deadline && (!failed || healthy.t < failed.t)) {
            v.healthy = healthy.t;
            const degraded = events.find((e) => e.kind === "degraded" && e.t > healthy.t);
            if (degraded) v.degraded = degraded.t;
        } else if (failed && failed.t <= deadline) {
            v.failed = failed.t;
            v.reason = failed.reason ?? "failed";
        } else if (now >= deadline) {
            v.failed = deadline;
            v.reason = `not healthy by its deadline (${ring.deadlineSeconds} s)`;
        }
        verdicts.set(s, v);
    }
    // Verdicts in time order: a failure counts against the budget when it happens; the soak runs from the last
    // verdict once every stack has one, and a stack degrading before the soak ends is a failure then (and restarts it).
    type Step = { t: number; stack: string; kind: "healthy" | "failed" | "degraded"; reason?: string };
    const steps: Step[] = [];
    for (const [stack, v] of verdicts) {
        if (v.healthy !== undefined) steps.push({ t: v.healthy, stack, kind: "healthy" });
        if (v.failed !== undefined) steps.push({ t: v.failed, stack, kind: "failed", reason: v.reason });
        if (v.degraded !== undefined) steps.push({ t: v.degraded, stack, kind: "degraded" });
    }
    const order = { failed: 0, degraded: 1, healthy: 2 } as const;
    steps.sort((a, b) => a.t - b.t || order[a.kind] - order[b.kind] || ring.stacks.indexOf(a.stack) - ring.stacks.indexOf(b.stack));
    const failures: { stack: string; t: number; reason: string }[] = [];
    const decided = new Set<string>();
    let soakEnd: number | undefined;
    for (const step of steps) {
        if (soakEnd !== undefined && step.t >= soakEnd) break;
        if (step.kind === "healthy") decided.add(step.stack);
        else if (step.kind === "failed") {
            decided.add(step.stack);
            failures.push({ stack: step.stack, t: step.t, reason: step.reason ?? "failed" });
        } else failures.push({ stack: step.stack, t: step.t, reason: "turned unhealthy during the soak" });
        if (failures.length > ring.failureBudget && step.kind !== "healthy") {
            const list = failures.map((f) => `${f.stack} (${f.reason} at ${f.t} s)`).join(", ");
            return {
                halt: { at: step.t, stacks: failures.map((f) => f.stack), reason: `ring ${ring.name}: ${failures.length} failed, more than its budget of ${ring.failureBudget}: ${list}` },
                running: [], unstarted,
            };
        }
        if (decided.size === ring.stacks.length) soakEnd = step.t + ring.soakSeconds;
    }
    const running = [...verdicts].filter(([, v]) => v.healthy === undefined && v.failed === undefined).map(([s]) => s);
    if (soakEnd !== undefined && soakEnd <= now) return { completedAt: soakEnd, running, unstarted };
    const clock = [...running.map((s) => verdicts.get(s)!.start + ring.deadlineSeconds), ...(soakEnd !== undefined ? [soakEnd] : [])];
    return { running, unstarted, ...(clock.length > 0 ? { next: Math.min(...clock) } : {}) };
}

/**
 * What to do next, from the journal and the clock: start stacks, wait, halt (and why), or done. Rings run in order,
 * each once the previous one has completed its soak; within a ring at most maxParallel stacks run, started in the
 * listed order as slots free. Only events of the journal's release count.
 */
export function decide(fleet: Fleet, release: string, events: readonly JournalEvent[], now: number): Decision {
    const byStack = new Map<string, JournalEvent[]>();
    for (const e of events) {
        if (e.release !== release || e.t > now) continue;
        const list = byStack.get(e.stack);
        if (list) list.push(e);
        else byStack.set(e.stack, [e]);
    }
    let done = 0;
    for (const ring of fleet.rings) {
        const state = ringState(ring, byStack, now);
        if (state.halt) return { kind: "halt", ring: ring.name, ...state.halt };
        if (state.completedAt !== undefined) {
            done = state.completedAt;
            continue;
        }
        const slots = ring.maxParallel - state.running.length;
        if (slots > 0 && state.unstarted.length > 0) return { kind: "start", ring: ring.name, stacks: state.unstarted.slice(0, slots) };
        // Every stack of a running ring has a deadline or the ring a soak's end: there is always a next time.
        return { kind: "wait", ring: ring.name, until: state.next! };
    }
    return { kind: "done", at: done };
}

export interface SimulationOutput {
    readonly touched: { stack: string; startSeconds: number }[];
    readonly halted: boolean;
    readonly haltedAtSeconds: number | null;
    readonly completedAtSeconds: number | null;
    readonly haltReason: string;
}

/** The outcome events a started stack produces, by the simulated fleet's outcomes. */
function outcomeEvents(o: Outcome, stack: string, start: number, release: string): JournalEvent[] {
    if ("stuck" in o) return [];
    if ("failsAfter" in o) return [{ t: start + o.failsAfter, stack, kind: "failed", release, reason: "pulumi up failed" }];
    const out: JournalEvent[] = [{ t: start + o.healthyAfter, stack, kind: "healthy", release }];
    if (o.degradesAfter !== undefined) out.push({ t: start + o.degradesAfter, stack, kind: "degraded", release });
    return out;
}

/**
 * Run the decision function against simulated stacks, from a journal (a resumed run) or from the start, up to
 * `stopAt` seconds when given. The journal holds every start and every verdict with its time, so a resumed run
 * continues exactly where the stopped one was and starts no stack twice.
 */
export function simulate(fleet: Fleet, options: { stopAt?: number; resume?: Journal; release?: string } = {}): { output: SimulationOutput; journal: Journal; finished: boolean } {
    const outcomes = fleet.outcomes ?? {};
    const hash = fleetHash(fleet);
    const release = options.resume?.release ?? options.release ?? "simulated";
    if (options.resume && options.resume.fleet !== hash) {
        throw new ConfigProblems([`--resume: the journal was written for another fleet file (${options.resume.fleet}, this one is ${hash}); resume with the fleet file it was started with`]);
    }
    const events: JournalEvent[] = [...(options.resume?.events ?? [])];
    const recorded = new Set(events.map((e) => `${e.stack}\0${e.kind}`));
    const pending: JournalEvent[] = [];
    for (const e of events) if (e.kind === "started") pending.push(...outcomeEvents(outcomes[e.stack], e.stack, e.t, release).filter((p) => !recorded.has(`${p.stack}\0${p.kind}`)));
    let t = options.resume?.now ?? 0;
    const journal = (now: number): Journal => ({ version: 1, fleet: hash, release, now, events: [...events] });
    const result = (d: Decision | undefined, now: number): { output: SimulationOutput; journal: Journal; finished: boolean } => {
        const touched = events.filter((e) => e.kind === "started").map((e) => ({ stack: e.stack, startSeconds: e.t }));
        return {
            output: {
                touched,
                halted: d?.kind === "halt",
                haltedAtSeconds: d?.kind === "halt" ? d.at : null,
                completedAtSeconds: d?.kind === "done" ? d.at : null,
                haltReason: d?.kind === "halt" ? d.reason : "",
            },
            journal: journal(now),
            finished: d !== undefined,
        };
    };
    for (;;) {
        // What the stacks report at this time, then what to do.
        for (let i = pending.length - 1; i >= 0; i--) if (pending[i].t <= t) events.push(...pending.splice(i, 1));
        events.sort((a, b) => a.t - b.t);
        const d = decide(fleet, release, events, t);
        if (d.kind === "start") {
            for (const stack of d.stacks) {
                events.push({ t, stack, kind: "started", release });
                pending.push(...outcomeEvents(outcomes[stack], stack, t, release));
            }
            continue;
        }
        if (d.kind !== "wait") return result(d, t);
        const next = Math.min(d.until, ...pending.map((p) => p.t).filter((p) => p > t));
        if (options.stopAt !== undefined && next > options.stopAt) return result(undefined, options.stopAt);
        t = next;
    }
}

/** A journal file, checked: one line when it is not one. */
export function parseJournal(file: string, raw: unknown): Journal {
    const event = z.strictObject({ t: seconds, stack: z.string(), kind: z.enum(["started", "healthy", "failed", "degraded"]), release: z.string(), reason: z.string().optional() });
    const parsed = z.strictObject({ version: z.literal(1), fleet: z.string(), release: z.string(), now: seconds, events: z.array(event) }).safeParse(raw);
    if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new ConfigProblems([`${file}: ${i.path.join(".") || "(top)"}: ${i.message}; give a journal written by fleet simulate --state`]);
    }
    return parsed.data;
}

/** What `kubectl get applications -o json` gives of an Application, as far as a verdict needs. */
export interface LiveApplication {
    readonly metadata: { readonly name: string };
    readonly spec?: { readonly source?: { readonly repoURL?: string; readonly chart?: string; readonly targetRevision?: string } };
    readonly status?: {
        readonly sync?: { readonly status?: string; readonly revision?: string };
        readonly health?: { readonly status?: string };
    };
}

/**
 * A cluster's verdict on the release just applied: every platform Application Synced and Healthy, and each one that
 * reads the GitOps repository synced at the release's commit (`status.sync.revision`, the revision the comparison was
 * made at: argo-cd pkg/apis/application/v1alpha1/types.go SyncStatus) (a Healthy from an older revision is not this release's;
 * a chart from a mirror is pinned by version, so its revision is the chart's). One line per Application not there.
 */
export function applicationsVerdict(apps: readonly LiveApplication[], expected: readonly string[], repoUrl: string, revision: string): string[] {
    const problems: string[] = [];
    const byName = new Map(apps.map((a) => [a.metadata.name, a]));
    for (const name of expected) {
        const a = byName.get(name);
        if (!a) {
            problems.push(`${name}: no such Application yet`);
            continue;
        }
        const sync = a.status?.sync?.status ?? "Unknown";
        const health = a.status?.health?.status ?? "Unknown";
        const ours = a.spec?.source?.repoURL === repoUrl && !a.spec.source.chart;
        const at = a.status?.sync?.revision ?? "";
        const wrong: string[] = [];
        if (sync !== "Synced") wrong.push(sync);
        if (health !== "Healthy") wrong.push(health);
        // An Application pinned to a commit (the sealed files' commit, with commitSealed) is expected at that commit.
        const pinned = a.spec?.source?.targetRevision;
        const want = pinned && /^[0-9a-f]{40}$/.test(pinned) ? pinned : revision;
        if (ours && at !== want) wrong.push(`at ${at.slice(0, 12) || "no revision"}, not ${want.slice(0, 12)}`);
        if (wrong.length > 0) problems.push(`${name}: ${wrong.join(", ")}`);
    }
    return problems;
}
