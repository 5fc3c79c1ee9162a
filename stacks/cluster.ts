import { githubSdk } from "../components/sdks";
import * as k8s from "../components/k8s";
import * as pulumi from "@pulumi/pulumi";
import { ArgoCd, PlatformNamespaces, RepositoryAccess, RootApp, SealedSecretsKey, SealingKeyPair } from "../components/bootstrap";
import { catalog } from "../components/catalog";
import { tierNames, TierNumber } from "../components/catalog/types";
import { Tier } from "../components/tiers/tier";
import { renderAppProject, renderApplication, renderRootProject, platformProject, rootProject } from "../lib/application";
import { namespacePlan, gitopsOperatorNamespace } from "../lib/namespaces";
import { planCluster } from "../lib/plan";
import { componentWrites, extraControllerRules, managedNamespaces } from "../lib/rights";
import type { ClusterSecrets } from "./config";
import type { ClusterConfig } from "./types";
import { PlatformCertificates } from "../components/certs/certificates";
import { PlatformSecrets } from "../components/secrets/platformSecrets";

export interface ComponentOutput {
    readonly application: string;
    readonly tier: number;
    readonly wave: number;
    readonly gate: string;
    readonly timeoutSeconds: number;
}

export interface ClusterOutputs {
    readonly cluster: string;
    readonly argocdNamespace: string;
    readonly argocdFlavor: string;
    /** The fleet certificate that seals, for `kubeseal --cert`. */
    readonly sealingCert: pulumi.Output<string>;
    readonly repositoryPublicKey?: pulumi.Output<string>;
    readonly components: Readonly<Record<string, ComponentOutput>>;
    readonly order: readonly string[];
}

/** The fleet key generations this cluster keeps, from the fleet stack or from secret config. */
function sealingKeys(config: ClusterConfig, secrets: ClusterSecrets): SealingKeyPair[] {
    const s = config.sealedSecrets;
    if (s.keySource === "config") {
        return [{ generation: s.rotation[s.rotation.length - 1], privateKeyPem: secrets.sealingKey!, certPem: secrets.sealingCert! }];
    }
    const fleet = new pulumi.StackReference("fleet", { name: s.fleetStack });
    const keys = fleet.requireOutput("sealingKeys") as pulumi.Output<Record<string, { privateKeyPem: string; certPem: string }>>;
    const certs = fleet.requireOutput("sealingCerts") as pulumi.Output<Record<string, string>>;
    // A generation the fleet stack does not have yet is a config mistake: say which, never show the keys.
    const pick = <T>(all: Record<string, T>, generation: string): T => {
        // A fleet stack whose secrets this stack cannot decrypt reads as an empty object: the engine only logs
        // "eliding undecryptable secrets" (pulumi/pulumi pkg/resource/deploy/builtins.go readStackReference,
        // pkg/backend/secrets.go). Say so rather than "no such generation".
        if (Object.keys(all).length === 0) {
            throw new pulumi.RunError(`saif-platform:sealedSecrets.fleetStack: cannot decrypt the fleet stack ${s.fleetStack}'s secrets ` +
                "(same passphrase or secrets provider?); run both projects with the same PULUMI_CONFIG_PASSPHRASE or secrets provider");
        }
        if (!(generation in all)) {
            throw new pulumi.RunError(`saif-platform:sealedSecrets.rotation: the fleet stack ${s.fleetStack} has no key generation ` +
                `"${generation}" (it has ${Object.keys(all).map((g) => `"${g}"`).join(", ")}); add it to fleet/Pulumi.fleet.yaml and update the fleet stack first`);
        }
        return all[generation];
    };
    return s.rotation.map((generation) => ({
        generation,
        privateKeyPem: pulumi.secret(keys.apply((k) => pick(k, generation).privateKeyPem)),
        certPem: certs.apply((c) => pick(c, generation)),
    }));
}

/**
 * One cluster: bootstrap (Argo CD available -> repository access -> the fleet key -> saif-apps), then the tiers,
 * each Application gated on the Applications it depends on.
 */
export function deployCluster(config: ClusterConfig, secrets: ClusterSecrets): ClusterOutputs {
    const plan = planCluster(config);
    // One explicit provider per stack. With only `context`, the provider still reads the ambient kubeconfig FILE
    // (KUBECONFIG or ~/.kube/config) and picks that context, never its current-context (pulumi-kubernetes
    // provider.go, NewDefaultClientConfigLoadingRules); with the secret `kubeconfig`, nothing ambient is read.
    const kubernetes = new k8s.Provider("cluster", {
        ...(config.kubernetes.context ? { context: config.kubernetes.context } : {}),
        ...(secrets.kubeconfig ? { kubeconfig: secrets.kubeconfig } : {}),
    });
    const needsGithub = config.gitops.access === "deployKey" || config.secretDelivery.commitSealed || config.secretDelivery.githubEnvironment;
    const githubProvider = needsGithub
        ? new (githubSdk().Provider)("github", { owner: config.gitops.github!.owner, token: secrets.githubToken! })
        : undefined;
    const providers = { providers: githubProvider ? [kubernetes, githubProvider] : [kubernetes] };

    // One registry of the namespaces this stack touches: each registered once, created or patched (lib/namespaces.ts).
    const registry = namespacePlan(config);
    const namespaces = new PlatformNamespaces("namespaces", { entries: registry }, providers);
    const has = (n: string) => registry.some((e) => e.name === n);
    const argocd = new ArgoCd("argocd", {
        config,
        ...(has(config.argocd.namespace) ? { namespace: namespaces.get(config.argocd.namespace) } : {}),
        ...(has(gitopsOperatorNamespace) ? { operatorNamespace: namespaces.get(gitopsOperatorNamespace) } : {}),
        controllerRules: extraControllerRules(componentWrites(config), managedNamespaces(config, registry)),
    }, providers);
    const repository = new RepositoryAccess("repository", {
        cluster: config.cluster,
        gitops: config.gitops,
        argocdNamespace: config.argocd.namespace,
        ...(secrets.repoToken ? { repoToken: secrets.repoToken } : {}),
        ...(githubProvider ? { githubProvider } : {}),
        after: argocd.ready,
    }, providers);
    const keys = sealingKeys(config, secrets);
    const key = new SealedSecretsKey("sealed-secrets-key", {
        namespace: config.sealedSecrets.namespace,
        namespaceResource: namespaces.get(config.sealedSecrets.namespace),
        keys,
        adopt: config.adoptExisting,
        after: [...argocd.ready, ...repository.ready],
    }, providers);

    // Exactly where the enabled components write, and which cluster-scoped kinds: derived from their content.
    const writes = componentWrites(config);
    const destinations = [
        ...config.components.flatMap((c) => (c.namespace ? [c.namespace] : [])),
        ...writes.flatMap((w) => (w.namespace ? [w.namespace] : [])),
    ];
    const clusterKinds = [
        ...writes.filter((w) => !w.kind.namespaced).map((w) => w.kind),
        // Argo CD creates the destination namespace of CreateNamespace=true.
        ...(config.components.some((c) => c.syncOptions.includes("CreateNamespace=true")) ? [{ group: "", kind: "Namespace" }] : []),
    ];
    const project = new k8s.apiextensions.CustomResource(platformProject, renderAppProject(config, destinations, clusterKinds),
        { provider: kubernetes, dependsOn: [...argocd.ready] });
    const rootAppProject = new k8s.apiextensions.CustomResource(rootProject, renderRootProject(config),
        { provider: kubernetes, dependsOn: [...argocd.ready] });
    // saif-apps never applies a file named after an Application Pulumi owns: the catalog's, whether on here or
    // not, and this stack's extra components.
    const pulumiOwned = [...catalog.map((c) => c.name), ...config.components.filter((c) => c.extra).map((c) => c.name)];

    // Every Application waits for the bootstrap, including every namespace the registry makes (a SealedSecret's
    // namespace must exist before the Application that writes into it syncs). Not for saif-apps: its health rolls up
    // whatever users put in clusters/<cluster>/ (argo-cd controller/health.go), so a user app that needs the platform
    // would hold the platform back (a deadlock on Day 1), and a broken one every Day 2 run.
    const bootstrap = [project, ...argocd.ready, ...repository.ready, ...key.secrets, ...namespaces.all()];
    const gates = new Map<string, pulumi.Resource[]>();
    const addGates = (more: ReadonlyMap<string, readonly pulumi.Resource[]>) => {
        for (const [name, resources] of more) gates.set(name, [...(gates.get(name) ?? []), ...resources]);
    };
    if (config.certManager.enabled) {
        // Early in Tier 1: right after the bootstrap, before any Application that serves a certificate.
        addGates(new PlatformCertificates("certificates", {
            certManager: config.certManager, cluster: config.cluster, argocdNamespace: config.argocd.namespace, namespaces,
            hubbleTimescape: config.components.some((c) => c.name === "hubble-timescape"), after: bootstrap,
        }, providers).gates);
    }
    const delivery = config.secretDelivery;
    const pins = new Map<string, pulumi.Output<string>>();
    if (delivery.commitSealed || delivery.githubEnvironment || delivery.directSecrets) {
        const newest = keys[keys.length - 1];
        const repoName = config.gitops.github?.repository ?? "";
        const delivered = new PlatformSecrets("platform-secrets", {
            cluster: config.cluster,
            secrets: config.secrets.map((def) => ({ def, value: secrets.platform[def.key] })),
            ...(delivery.commitSealed ? { commit: { repository: repoName, branch: delivery.branch, certPem: newest.certPem, fleetKeyPem: newest.privateKeyPem } } : {}),
            ...(delivery.githubEnvironment ? { environment: { repository: repoName } } : {}),
            ...(delivery.directSecrets ? { direct: { namespaces } } : {}),
            after: bootstrap,
        }, providers);
        addGates(delivered.gates);
        for (const [name, sha] of delivered.pins) pins.set(name, sha);
    }
    const applications = new Map<string, k8s.apiextensions.CustomResource>();
    for (const tier of [1, 2, 3, 4] as TierNumber[]) {
        const components = plan.order.filter((c) => c.tier === tier);
        if (components.length === 0) continue;
        const t = new Tier(`tier-${tier}-${tierNames[tier]}`, { tier, config, components, applications, bootstrap, gates, pins }, providers);
        for (const [name, app] of Object.entries(t.applications)) applications.set(name, app);
    }

    // saif-apps: on a fresh cluster beside the tiers. When adopting a seed cluster, after every adopted Application:
    // they carry Prune=false and IgnoreExtraneous before saif-apps stops rendering their files (its new exclude), so
    // Argo CD neither prunes them nor keeps saif-apps OutOfSync over them.
    new RootApp("saif-apps", {
        config, pulumiOwned,
        after: [...argocd.ready, ...repository.ready, ...key.secrets, project, rootAppProject,
            ...(config.adoptExisting ? [...applications.values()] : [])],
    }, providers);

    return {
        cluster: config.cluster,
        argocdNamespace: config.argocd.namespace,
        argocdFlavor: config.argocd.flavor,
        sealingCert: key.activeCert,
        ...(repository.publicKey ? { repositoryPublicKey: repository.publicKey } : {}),
        components: Object.fromEntries(plan.order.map((c) => [c.name, {
            application: `${config.argocd.namespace}/${c.name}`,
            tier: c.tier,
            wave: plan.derivedWave.get(c.name)!,
            gate: renderApplication(c, config).metadata.annotations!["pulumi.com/waitFor"],
            timeoutSeconds: c.healthTimeoutSeconds,
        }])),
        order: plan.order.map((c) => c.name),
    };
}
