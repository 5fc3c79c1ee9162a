import { stringify } from "yaml";
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

/** The recording in the shape of `pulumi preview --json`, with every secret as "[secret]". */
export function previewJson(rec: Recording): unknown {
    const steps = deploymentOrder(rec.registrations).map((r) => ({
        op: r.kind === "read" ? "read" : r.importId ? "import" : "create",
        urn: r.urn,
        ...(r.provider ? { provider: r.provider } : {}),
        newState: {
            urn: r.urn,
            type: r.type,
            custom: r.custom,
            ...(r.importId ? { id: r.importId } : {}),
            parent: r.parent,
            ...(r.provider ? { provider: r.provider } : {}),
            inputs: maskSecrets(r.inputs),
            dependencies: r.dependencies,
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
    readonly file: string;
    readonly urn: string;
    readonly object: Record<string, unknown>;
    readonly yaml: string;
}

/** One YAML document per Kubernetes object the program would create, named so they sort in deployment order. */
export function manifests(rec: Recording): Manifest[] {
    const objects = deploymentOrder(rec.registrations).filter((r) =>
        r.custom && r.kind === "register" && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
    return objects.map((r, i) => {
        const object = maskSecrets(r.inputs) as Record<string, unknown>;
        const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
        const kind = typeof object.kind === "string" ? object.kind : r.type.split(":").pop()!;
        const patch = r.type.endsWith("Patch");
        const file = `${String(i + 1).padStart(3, "0")}-${kind.toLowerCase()}${patch ? "-patch" : ""}-${meta.namespace ? `${meta.namespace}-` : ""}${meta.name ?? r.name}.yaml`;
        const header = `# ${r.urn}${patch ? "\n# server-side apply patch of an object the operator owns" : ""}\n`;
        return { file, urn: r.urn, object, yaml: header + stringify(object, { lineWidth: 0 }) };
    });
}
