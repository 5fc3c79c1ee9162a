import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { tierNames, TierNumber } from "../catalog/types";
import { catalogAdditions } from "../catalog";
import { finalizers, renderApplication } from "../../lib/application";
import { seedApplicationProblems } from "../../lib/dayTwo";
import type { ClusterComponent, ClusterConfig } from "../../stacks/types";

/** Whether the seed's saif-apps made this component's Application: the catalog's, less its additions. */
export function seedApplication(c: ClusterComponent): boolean {
    return !c.extra && !catalogAdditions.some((a) => a.name === c.name);
}

export interface TierArgs {
    readonly tier: TierNumber;
    readonly config: ClusterConfig;
    /** This tier's enabled components, in deployment order. */
    readonly components: readonly ClusterComponent[];
    /** Applications already created (earlier tiers, and this one as it goes), by component name. */
    readonly applications: ReadonlyMap<string, k8s.apiextensions.CustomResource>;
    /** What every Application waits for: the end of the bootstrap. */
    readonly bootstrap: readonly pulumi.Resource[];
    /** What a component waits for besides its dependencies (its certificate, its directly created Secrets). */
    readonly gates?: ReadonlyMap<string, readonly pulumi.Resource[]>;
    /** A commit a component's source is pinned to (a delivering Application: the commit of its sealed files). */
    readonly pins?: ReadonlyMap<string, pulumi.Output<string>>;
}

/**
 * One tier of the platform: an Argo CD Application per enabled component, each created only after the
 * Applications it depends on are Synced and Healthy (dependsOn + the waitFor gate on each of them).
 */
export class Tier extends pulumi.ComponentResource {
    readonly applications: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: TierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:tiers:Tier", name, {}, opts);
        const created: Record<string, k8s.apiextensions.CustomResource> = {};
        const lookup = (dep: string) => created[dep] ?? args.applications.get(dep);
        for (const c of args.components) {
            const deps = c.dependsOn.map((d) => {
                const app = lookup(d);
                // The config parser only lets a component depend on its own or an earlier tier.
                if (!app) throw new Error(`${c.name}: dependency ${d} was not created before it`);
                return app;
            });
            const timeout = `${c.healthTimeoutSeconds}s`;
            const pin = args.pins?.get(c.name);
            const adopt = args.config.adoptExisting && seedApplication(c);
            // Pinned to a commit: that revision, and a gate that also waits for status.sync.revision to be it.
            const pinned = pin?.apply((sha) => renderApplication({ ...c, source: { ...c.source, targetRevision: sha || c.source.targetRevision } }, args.config));
            const after = [...args.bootstrap, ...deps, ...(args.gates?.get(c.name) ?? [])];
            let dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]> = after;
            if (adopt) {
                // The seed's Application as it is: what the adoption cannot fix stops the run, one line each
                // (lib/dayTwo.ts), before anything is imported or changed. A read by id, metadata and spec named so they
                // come back (CustomResource.get declares only apiVersion and kind: @pulumi/kubernetes
                // apiextensions/customResource.js). The check rides on dependsOn, not on an input: an input's error is
                // prefixed with the property it was serializing (@pulumi/pulumi runtime/rpc.js), a dependsOn Output's
                // rejection reaches the engine as thrown (runtime/dependsOn.js), and the read becomes a dependency.
                const live = new k8s.apiextensions.CustomResource(`${c.name}-seed`, { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: undefined, spec: undefined },
                    { id: `${args.config.argocd.namespace}/${c.name}`, parent: this }) as unknown as { metadata: pulumi.Output<unknown>; spec: pulumi.Output<unknown> };
                dependsOn = pulumi.all([live.metadata, live.spec]).apply(([metadata, spec]) => {
                    const problems = seedApplicationProblems(args.config.argocd.namespace, c.name,
                        metadata ? { metadata: metadata, spec: spec } : undefined, !!finalizers(c.finalizer));
                    if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
                    return after;
                });
            }
            created[c.name] = new k8s.apiextensions.CustomResource(
                c.name,
                pinned ? { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: pinned.apply((a) => a.metadata), spec: pinned.apply((a) => a.spec) }
                    : renderApplication(c, args.config),
                {
                    parent: this,
                    dependsOn,
                    customTimeouts: { create: timeout, update: timeout },
                    // Adopting a cluster the seed built: saif-apps created the seed's Applications from clusters/<cluster>/.
                    // Only those are imported: an import of an object that does not exist fails the preview (pulumi/pulumi
                    // pkg/resource/deploy/step.go ImportStep), and the catalog's additions (nim-cache) and extra
                    // components were never the seed's: they are created. The import is followed by a forced
                    // server-side apply in the same run (patchForce on the object).
                    ...(adopt ? { import: `${args.config.argocd.namespace}/${c.name}` } : {}),
                },
            );
        }
        this.applications = created;
        this.registerOutputs({
            tier: args.tier,
            name: tierNames[args.tier],
            applications: Object.keys(created),
        });
    }
}
