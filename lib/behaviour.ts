import { podSpecOf } from "./admission";
import type { ContentObject, RenderedComponent } from "./content";
import { fullImageName } from "./mirrors";

/**
 * What the content does, beyond its shape: every image has a way in, every Secret a workload reads is delivered with
 * the key it reads, and what a shipped stack renders names no placeholder and carries the cluster's name.
 */

/** A Secret the platform delivers in a namespace: its type and keys. */
export interface DeliveredSecret {
    readonly namespace: string;
    readonly name: string;
    readonly type: string;
    readonly keys: readonly string[];
    /** For a dockerconfigjson Secret: the registries it holds credentials for. */
    readonly registries?: readonly string[];
}

/** The registry an image is pulled from: the first part when it names a host (a "." or ":" or localhost), else Docker Hub. */
export function registryOf(image: string): string {
    const first = image.split("/")[0];
    return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

/**
 * Registries an OpenShift cluster pulls from without a Secret of the platform's: the cluster's global pull secret holds
 * credentials for registry.redhat.io, registry.connect.redhat.com, quay.io and cloud.openshift.com (the pull secret
 * from console.redhat.com, OpenShift docs "Using image pull secrets"), and these serve public images anonymously.
 */
export const pullableWithoutSecret = ["registry.redhat.io", "registry.connect.redhat.com", "quay.io", "registry.access.redhat.com", "docker.io", "ghcr.io", "registry.k8s.io"];

/**
 * Images behind a login that no cluster has: NVIDIA's NIM containers (`nvcr.io/nim/...`) need an NGC API key as a
 * docker-registry Secret (user `$oauthtoken`; NVIDIA NIM operator docs "Image pull secrets"), whereas NGC's public
 * catalog (`nvcr.io/nvidia/...`, the GPU and NIM operators' own images) pulls anonymously.
 */
export function needsPullSecret(image: string): boolean {
    return registryOf(image) === "nvcr.io" ? image.startsWith("nvcr.io/nim/") : !pullableWithoutSecret.includes(registryOf(image)) && registryOf(image) !== "nvcr.io";
}

/** Every image a component's objects pull, with the pull secrets the object names for it. */
export function imagesOf(o: ContentObject): { image: string; pullSecrets: string[]; serviceAccount?: string }[] {
    const pod = podSpecOf(o);
    if (pod) {
        const secrets = (pod.imagePullSecrets ?? []).map((s) => s.name ?? "").filter(Boolean);
        return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].filter((c) => c.image)
            .map((c) => ({ image: c.image!, pullSecrets: secrets, serviceAccount: pod.serviceAccountName ?? pod.serviceAccount ?? "default" }));
    }
    const spec = o.spec as Record<string, unknown> | undefined;
    // The NIM operator puts these on the pods it makes (k8s-nim-operator internal/controller/nimcache_controller.go
    // L1063-1067, L1338-1342 @ v3.1.2: spec.source.ngc.pullSecret; nimservice_types.go GetImagePullSecrets: spec.image.pullSecrets).
    if (o.kind === "NIMCache") {
        const ngc = (spec?.source as { ngc?: { modelPuller?: string; pullSecret?: string } } | undefined)?.ngc;
        return ngc?.modelPuller ? [{ image: ngc.modelPuller, pullSecrets: ngc.pullSecret ? [ngc.pullSecret] : [] }] : [];
    }
    if (o.kind === "NIMService") {
        const image = spec?.image as { repository?: string; tag?: string; pullSecrets?: string[] } | undefined;
        return image?.repository ? [{ image: `${image.repository}:${image.tag ?? "latest"}`, pullSecrets: image.pullSecrets ?? [] }] : [];
    }
    if (o.kind === "CatalogSource" && typeof spec?.image === "string") {
        return [{ image: spec.image, pullSecrets: ((spec.secrets as string[] | undefined) ?? []) }];
    }
    return [];
}

export interface PullContext {
    readonly delivered: readonly DeliveredSecret[];
    /** Pull secrets linked to service accounts in the content (`namespace/sa` -> Secret names). */
    readonly serviceAccountPullSecrets: ReadonlyMap<string, readonly string[]>;
    /** With a mirror registry: the sources the cluster's mirror sets cover (an image's registry/path must start with one). */
    readonly mirrorSources?: readonly string[];
}

/** One line for each image with no way in. */
export function pullProblems(rendered: readonly RenderedComponent[], ctx: PullContext): string[] {
    const problems: string[] = [];
    for (const rc of rendered) {
        for (const { object: o, file } of rc.objects) {
            const ns = o.metadata.namespace ?? rc.namespace ?? "default";
            for (const { image, pullSecrets, serviceAccount } of imagesOf(o)) {
                const where = `${file}: ${rc.name}: ${o.kind} ${o.metadata.name}: image ${image}`;
                if (ctx.mirrorSources) {
                    const full = fullImageName(image);
                    const covered = ctx.mirrorSources.some((s) => full === s || full.startsWith(`${s}/`) || full.startsWith(`${s}:`) || full.startsWith(`${s}@`));
                    if (!covered && registryOf(image) !== "localhost") {
                        problems.push(`${where}: no mirror covers ${registryOf(image)} on this disconnected cluster; add it to the platform's mirror sources (lib/mirrors.ts) and mirror the image`);
                        continue;
                    }
                }
                if (!needsPullSecret(image)) continue;
                const named = [...pullSecrets, ...(serviceAccount ? ctx.serviceAccountPullSecrets.get(`${ns}/${serviceAccount}`) ?? [] : [])];
                const usable = named.map((n) => ctx.delivered.find((d) => d.namespace === ns && d.name === n))
                    .filter((d): d is DeliveredSecret => d !== undefined && d.type === "kubernetes.io/dockerconfigjson" && (d.registries ?? []).includes(registryOf(image)));
                if (usable.length > 0) continue;
                problems.push(`${where} needs a login to ${registryOf(image)}, and ${named.length > 0 ? `its pull secret${named.length > 1 ? "s" : ""} ${named.join(", ")} ${named.length > 1 ? "are" : "is"} not a delivered docker-registry Secret for it in ${ns}` : "the object names no pull secret"}; ` +
                    "deliver one (a platform secret of type kubernetes.io/dockerconfigjson) and name it on the pod or the operator's field");
            }
        }
    }
    return problems;
}

/** Secrets a workload reads by key (env secretKeyRef), and whole (envFrom, volumes): `ns/name` -> keys ([] = whole). */
function secretReads(o: ContentObject, ns: string): { secret: string; key?: string }[] {
    const pod = podSpecOf(o);
    if (!pod) return [];
    const out: { secret: string; key?: string }[] = [];
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])] as Record<string, unknown>[]) {
        for (const e of (c.env as { valueFrom?: { secretKeyRef?: { name?: string; key?: string; optional?: boolean } } }[] | undefined) ?? []) {
            const ref = e.valueFrom?.secretKeyRef;
            if (ref?.name && !ref.optional) out.push({ secret: `${ns}/${ref.name}`, key: ref.key });
        }
    }
    for (const v of pod.volumes ?? []) {
        const s = v.secret as { secretName?: string; items?: { key: string }[]; optional?: boolean } | undefined;
        if (s?.secretName && !s.optional) for (const item of s.items ?? [{ key: undefined as unknown as string }]) out.push({ secret: `${ns}/${s.secretName}`, ...(item.key ? { key: item.key } : {}) });
    }
    return out;
}

/** One line for each key a workload reads from a delivered Secret that does not hold it. */
export function secretKeyProblems(rendered: readonly RenderedComponent[], delivered: readonly DeliveredSecret[]): string[] {
    const problems: string[] = [];
    const byName = new Map(delivered.map((d) => [`${d.namespace}/${d.name}`, d]));
    for (const rc of rendered) {
        for (const { object: o, file } of rc.objects) {
            for (const r of secretReads(o, o.metadata.namespace ?? rc.namespace ?? "default")) {
                const d = byName.get(r.secret);
                if (!d || r.key === undefined || d.keys.includes(r.key)) continue;
                problems.push(`${file}: ${rc.name}: ${o.kind} ${o.metadata.name} reads key ${JSON.stringify(r.key)} of Secret ${r.secret}, which holds ${d.keys.map((k) => JSON.stringify(k)).join(", ")}; read one of those, or deliver that key`);
            }
            // The NIM operator loads authSecret whole as the model puller's environment and reads NGC_API_KEY from it
            // (k8s-nim-operator api/apps/v1alpha1/nimcache_types.go EnvFromSecrets @ v3.1.2).
            if (o.kind === "NIMCache" || o.kind === "NIMService") {
                const spec = o.spec as { authSecret?: string; source?: { ngc?: { authSecret?: string } } };
                const auth = spec.authSecret ?? spec.source?.ngc?.authSecret;
                const d = auth ? byName.get(`${o.metadata.namespace ?? rc.namespace}/${auth}`) : undefined;
                if (d && !d.keys.includes("NGC_API_KEY")) problems.push(`${file}: ${rc.name}: ${o.kind} ${o.metadata.name}: authSecret ${auth} has no NGC_API_KEY key; the operator reads the NGC key from it`);
            }
        }
    }
    return problems;
}

/** Host names and words that say "fill me in", never a real site's value. */
const placeholders = [/\bexample\.(com|org|net)\b/i, /\bchangeme\b/i, /\bchange-me\b/i, /\.invalid\b/i, /\bREPLACE[_-]?ME\b/, /<\s*(your|cluster|endpoint)[^>]*>/i];

function strings(v: unknown, path: string, out: [string, string][]): void {
    if (typeof v === "string") out.push([path, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) strings(x, path ? `${path}.${k}` : k, out);
}

/**
 * A placeholder in anything a stack renders (objects, and the values of charts not rendered here); and every telemetry
 * component's output carries the stack's cluster name, so the clusters' data can be told apart.
 */
export function identityProblems(rendered: readonly RenderedComponent[], cluster: string, telemetry: readonly string[]): string[] {
    const problems: string[] = [];
    for (const rc of rendered) {
        const items: { file: string; what: string; value: unknown }[] = [
            // A CRD's schema is documentation (its descriptions mention example.com), not a value the site sets.
            ...rc.objects.filter(({ object }) => object.kind !== "CustomResourceDefinition").map(({ object, file }) => ({ file, what: `${object.kind} ${object.metadata.name}`, value: object })),
            ...(rc.chart && !rc.chart.rendered ? [{ file: rc.chart.file, what: `chart ${rc.chart.name} values`, value: rc.chart.values }] : []),
        ];
        let carries = false;
        for (const item of items) {
            const found: [string, string][] = [];
            strings(item.value, "", found);
            for (const [p, s] of found) {
                // A value, not prose or a config file: one word (a URL, a host, a name).
                const hit = /\s/.test(s.trim()) ? undefined : placeholders.find((re) => re.test(s));
                if (hit) problems.push(`${item.file}: ${rc.name}: ${item.what}: ${p} is a placeholder (${JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s)}); set the site's value in the stack config`);
                if (new RegExp(`(^|[^a-z0-9-])${cluster}($|[^a-z0-9-])`).test(s)) carries = true;
            }
        }
        if (telemetry.includes(rc.name) && items.length > 0 && !carries) {
            problems.push(`${rc.name}: its telemetry does not carry the cluster's name ${JSON.stringify(cluster)}; set it from the stack's cluster key so each cluster's data can be told apart`);
        }
    }
    return problems;
}
