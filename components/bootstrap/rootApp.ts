import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { renderRootApplication } from "../../lib/application";
import type { ClusterConfig } from "../../stacks/types";

export interface RootAppArgs {
    readonly config: ClusterConfig;
    /** Applications Pulumi owns: saif-apps never applies a file named after one. */
    readonly pulumiOwned: readonly string[];
    /** The rest of the bootstrap: Argo CD, repository access, the key, the AppProject. */
    readonly after: readonly pulumi.Resource[];
}

/** The root `saif-apps` Application over `clusters/<cluster>/`, gated on its own sync (lib/application.ts). */
export class RootApp extends pulumi.ComponentResource {
    readonly application: k8s.apiextensions.CustomResource;

    constructor(name: string, args: RootAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("saif:bootstrap:RootApp", name, {}, opts);
        this.application = new k8s.apiextensions.CustomResource(args.config.rootApp.name, renderRootApplication(args.config, args.pulumiOwned), {
            parent: this,
            dependsOn: [...args.after],
            // A `pulumi destroy` must not take the cluster's apps with it.
            retainOnDelete: true,
            customTimeouts: { create: "30m", update: "30m" },
            ...(args.config.adoptExisting ? { import: `${args.config.argocd.namespace}/${args.config.rootApp.name}` } : {}),
        });
        this.registerOutputs({ name: args.config.rootApp.name });
    }
}
