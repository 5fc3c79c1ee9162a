import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import type { NamespaceEntry } from "../../lib/namespaces";

export interface PlatformNamespacesArgs {
    /** The stack's namespace registry (lib/namespaces.ts `namespacePlan`): each name once. */
    readonly entries: readonly NamespaceEntry[];
}

/**
 * Every namespace the stack registers, one resource per name. A `Namespace` for the ones only this stack makes; a
 * `NamespacePatch` (server-side apply: creates when absent, adopts when present, on delete only gives up its
 * fields) for the ones the GitOps operator, Argo CD or Day 1 may make too.
 */
export class PlatformNamespaces extends pulumi.ComponentResource {
    private readonly byName: ReadonlyMap<string, pulumi.CustomResource>;

    constructor(name: string, args: PlatformNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:bootstrap:Namespaces", name, {}, opts);
        const byName = new Map<string, pulumi.CustomResource>();
        for (const e of args.entries) {
            const metadata = { name: e.name, ...(Object.keys(e.labels).length > 0 ? { labels: { ...e.labels } } : {}) };
            const opts = { parent: this, retainOnDelete: true, ...(e.protect ? { protect: true } : {}) };
            byName.set(e.name, e.mode === "create"
                ? new k8s.core.v1.Namespace(`ns-${e.name}`, { metadata }, opts)
                : new k8s.core.v1.NamespacePatch(`ns-${e.name}`, { metadata }, opts));
        }
        this.byName = byName;
        this.registerOutputs({ namespaces: args.entries.map((e) => e.name) });
    }

    /** The resource of a registered namespace: depend on it before writing into that namespace. */
    get(name: string): pulumi.CustomResource {
        const r = this.byName.get(name);
        if (!r) throw new Error(`namespace ${name} is not in the stack's namespace registry (lib/namespaces.ts)`);
        return r;
    }

    all(): pulumi.CustomResource[] {
        return [...this.byName.values()];
    }
}
