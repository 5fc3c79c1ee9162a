import { stringify } from "yaml";
import { objectKey } from "../lib/objectKey";
import { maskSecrets } from "../lib/secretMask";
import type { Recording, Registration } from "./mockrun";

/** Registrations in deployment order: by depth in the dependency graph (parents count), then as registered. */
export function deploymentOrder(registrations: readonly Registration[]): Registration[] {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const depth = new Map<string, number>();
    const depthOf = (r: Registration, seen: Set<string>): number => {
        const known = depth.get(r.urn);
        if (known !== undefined) return known;
        if (seen.has(r.urn)) return 0;
        seen.add(r.urn);
        let d = 0;
        for (const u of [...r.dependencies, ...(r.parent ? [r.parent] : [])]) {
            const dep = byUrn.get(u);
            if (dep) d = Math.max(d, depthOf(dep, seen) + 1);
        }
        depth.set(r.urn, d);
        return d;
    };
    const index = new Map(registrations.map((r, i) => [r.urn, i]));
    return [...registrations].sort((a, b) => depthOf(a, new Set()) - depthOf(b, new Set()) || index.get(a.urn)! - index.get(b.urn)!);
}

const stackType = "pulumi:pulumi:Stack";

/**
 * URNs as the engine builds them. The mock monitor keeps the root Stack's type in a child's type chain and only the
 * parent's last type (@pulumi/pulumi runtime/mocks.js `newUrn`); the engine leaves the Stack out and uses the
 * parent's whole qualified type (pulumi/pulumi pkg/resource/deploy/deployment.go `generateURN`):
 * `urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>`.
 */
export function engineUrns(registrations: readonly Registration[]): Map<string, string> {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const qualified = new Map<string, string>();
    const qualifiedType = (r: Registration): string => {
        const known = qualified.get(r.urn);
        if (known !== undefined) return known;
        const parent = byUrn.get(r.parent);
        const q = !parent || parent.type === stackType ? r.type : `${qualifiedType(parent)}$${r.type}`;
        qualified.set(r.urn, q);
        return q;
    };
    const out = new Map<string, string>();
    for (const r of registrations) {
        const [prefix] = r.urn.split("::");
        const project = r.urn.split("::")[1];
        out.set(r.urn, r.type === stackType ? r.urn : `${prefix}::${project}::${qualifiedType(r)}::${r.name}`);
    }
    return out;
}

/** A provider reference is `<provider URN>::<id>`. */
function mapProviderRef(ref: string, urns: ReadonlyMap<string, string>): string {
    const cut = ref.lastIndexOf("::");
    return cut < 0 ? ref : `${urns.get(ref.slice(0, cut)) ?? ref.slice(0, cut)}${ref.slice(cut)}`;
}

/** The recording in the shape of `pulumi preview --json`, with every secret as "[secret]" and the engine's URNs. */
export function previewJson(rec: Recording): unknown {
    const urns = engineUrns(rec.registrations);
    const u = (x: string) => urns.get(x) ?? x;
    const steps = deploymentOrder(rec.registrations).map((r) => ({
        op: r.kind === "read" ? "read" : r.importId ? "import" : "create",
        urn: u(r.urn),
        ...(r.provider ? { provider: mapProviderRef(r.provider, urns) } : {}),
        newState: {
            urn: u(r.urn),
            type: r.type,
            custom: r.custom,
            ...(r.importId ? { id: r.importId } : {}),
            parent: r.parent ? u(r.parent) : r.parent,
            ...(r.provider ? { provider: mapProviderRef(r.provider, urns) } : {}),
            inputs: maskSecrets(r.inputs),
            dependencies: r.dependencies.map(u),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            ...(r.customTimeouts.create ? { customTimeouts: r.customTimeouts } : {}),
        },
    }));
    const changeSummary: Record<string, number> = {};
    for (const s of steps) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
    return { steps, changeSummary, outputs: maskSecrets(rec.outputs), diagnostics: rec.logs };
}

export interface Manifest {
    readonly key: string;
    readonly file: string;
    readonly urn: string;
    readonly object: Record<string, unknown>;
    readonly yaml: string;
}

/** One YAML document per Kubernetes object the program would create, named so they sort in deployment order. */
export function manifests(rec: Recording): Manifest[] {
    const urns = engineUrns(rec.registrations);
    const objects = deploymentOrder(rec.registrations).filter((r) =>
        r.custom && r.kind === "register" && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
    return objects.map((r, i) => {
        const object = maskSecrets(r.inputs) as Record<string, unknown>;
        const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
        const kind = typeof object.kind === "string" ? object.kind : r.type.split(":").pop()!;
        const patch = r.type.endsWith("Patch");
        const file = `${String(i + 1).padStart(3, "0")}-${kind.toLowerCase()}${patch ? "-patch" : ""}-${meta.namespace ? `${meta.namespace}-` : ""}${meta.name ?? r.name}.yaml`;
        const header = `# ${urns.get(r.urn) ?? r.urn}${patch ? "\n# server-side apply patch: creates the object when absent, adopts it when present" : ""}\n`;
        return { key: objectKey(kind, meta.namespace, meta.name ?? r.name, patch), file, urn: urns.get(r.urn) ?? r.urn, object, yaml: header + stringify(object, { lineWidth: 0 }) };
    });
}
