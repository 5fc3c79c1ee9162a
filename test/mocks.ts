import { Recording, Registration, runProgram } from "../cli/mockrun";
import { loadStack, StackInput } from "../cli/stackFile";
import { maskSecrets } from "../lib/secretMask";
import { project, qualified } from "../stacks/types";
import { fixtureStack, root } from "./helpers";

/** Run the real program for a fixture stack file under mocks, with config edits (full or short keys; undefined removes). */
export async function runStack(stack: string, edit: Record<string, unknown> = {}, secrets: Record<string, string> = {},
    options: { emptyFleetOutputs?: boolean; up?: boolean; previousOutputs?: Record<string, unknown>; liveObjects?: Record<string, Record<string, unknown>> } = {}): Promise<Recording> {
    const input = loadStack(root, stack, fixtureStack(stack));
    return runProgram({ ...withEdits(input, edit, secrets), ...options });
}

export function withEdits(input: StackInput, edit: Record<string, unknown>, secrets: Record<string, string> = {}): StackInput {
    const values = { ...input.values };
    const secretKeys = new Set(input.secretKeys);
    for (const [k, v] of Object.entries(edit)) {
        const key = qualified(k);
        if (v === undefined) delete values[key];
        else values[key] = v;
        // A plain edit is plain config, even for a key that had a secret stand-in.
        secretKeys.delete(key);
    }
    for (const [k, v] of Object.entries(secrets)) {
        values[`${project}:${k}`] = v;
        secretKeys.add(`${project}:${k}`);
    }
    return { ...input, values, secretKeys };
}

export const applicationType = "kubernetes:argoproj.io/v1alpha1:Application";

/** The catalog Applications (children of a Tier), by name; not the seed's Applications read before adoption. */
export function applications(rec: Recording): Map<string, Registration> {
    return new Map(rec.registrations
        .filter((r) => r.kind === "register" && r.type === applicationType && r.parent.includes("saif:tiers:Tier"))
        .map((r) => [r.name, r]));
}

export function byUrn(rec: Recording): Map<string, Registration> {
    return new Map(rec.registrations.map((r) => [r.urn, r]));
}

export function find(rec: Recording, type: string, name?: string): Registration[] {
    return rec.registrations.filter((r) => r.type === type && (name === undefined || r.name === name));
}

/** Inputs with secrets masked, as plain data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function plain(r: Registration): any {
    return maskSecrets(r.inputs);
}
