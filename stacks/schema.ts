import { z } from "zod";
import { closestName } from "../lib/graph";
import { openshiftReleases } from "../lib/openshift";
import { quoteList, show } from "../lib/problems";

// A DNS label: Kubernetes names, namespaces and label values allow 63 characters.
const dnsLabel = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "dns");
const nonEmpty = z.string().min(1);
const finalizer = z.enum(["none", "cascade", "foreground"]);

const kustomizePatch = z.strictObject({
    patch: nonEmpty.optional(),
    path: nonEmpty.optional(),
    target: z.strictObject({
        group: z.string().optional(),
        version: z.string().optional(),
        kind: z.string().optional(),
        name: z.string().optional(),
        namespace: z.string().optional(),
        labelSelector: z.string().optional(),
        annotationSelector: z.string().optional(),
    }).optional(),
    options: z.record(z.string(), z.boolean()).optional(),
});

const sourceOverrides = {
    targetRevision: nonEmpty.optional(),
    path: nonEmpty.optional(),
    helm: z.strictObject({ values: z.record(z.string(), z.unknown()) }).optional(),
    kustomize: z.strictObject({ patches: z.array(kustomizePatch) }).optional(),
    dependsOn: z.array(z.string()).optional(),
    healthTimeoutSeconds: z.number().int().min(30).max(24 * 3600).optional(),
    finalizer: finalizer.optional(),
};

export const componentOverride = z.strictObject({ enabled: z.boolean().optional(), ...sourceOverrides });

export const extraComponent = z.strictObject({
    ...sourceOverrides,
    enabled: z.boolean().optional(),
    tier: z.literal([1, 2, 3, 4]),
    path: nonEmpty,
    deploys: z.string().optional(),
    namespace: dnsLabel.optional(),
    wave: z.number().int().min(-100).max(100).optional(),
    estimateSeconds: z.number().int().min(0).max(24 * 3600).optional(),
    gpuOnly: z.boolean().optional(),
    holdsData: z.boolean().optional(),
    syncOptions: z.array(nonEmpty).optional(),
    content: z.enum(["kustomize", "directory", "helm"]).optional(),
});

/** Object-shaped config keys (declared `type: object` in Pulumi.yaml: the CLI checks they are mappings, CLI >= 3.186; the program checks the rest). */
export const objectKeys = {
    kubernetes: z.strictObject({ context: nonEmpty.optional() }),
    gitops: z.strictObject({
        repoUrl: nonEmpty,
        revision: nonEmpty.optional(),
        clusterAppsPath: nonEmpty.optional(),
        access: z.enum(["public", "deployKey", "token"]).optional(),
        github: z.strictObject({ owner: nonEmpty, repository: nonEmpty }).optional(),
    }),
    argocd: z.strictObject({
        flavor: z.enum(["openshift-gitops", "helm", "existing"]).optional(),
        namespace: dnsLabel.optional(),
        channel: nonEmpty.optional(),
        approval: z.enum(["Automatic", "Manual"]).optional(),
        catalogSource: dnsLabel.optional(),
        chartVersion: nonEmpty.optional(),
        chartRepository: z.url().optional(),
    }),
    // Both or neither: Pulumi.yaml gives object keys the default {} (a declared key without one is required).
    mirror: z.strictObject({
        registry: nonEmpty.optional(),
        gitopsCatalogImage: nonEmpty.optional(),
        // A Helm repository (https) or an OCI registry path (oci://host/path) holding the platform's charts.
        chartRepository: z.string().regex(/^(https:\/\/|oci:\/\/)[^\s=]+$/, "chartrepo").optional(),
    }),
    sealedSecrets: z.strictObject({
        namespace: dnsLabel.optional(),
        keySource: z.enum(["config", "stack"]).optional(),
        fleetStack: nonEmpty.optional(),
        rotation: z.array(dnsLabel).min(1).optional(),
    }),
    rootApp: z.strictObject({
        prune: z.boolean().optional(),
        selfHeal: z.boolean().optional(),
        finalizer: finalizer.optional(),
    }),
    secretDelivery: z.strictObject({
        commitSealed: z.boolean().optional(),
        branch: nonEmpty.optional(),
        githubEnvironment: z.boolean().optional(),
        directSecrets: z.boolean().optional(),
    }),
    certManager: z.strictObject({
        enabled: z.boolean().optional(),
        install: z.boolean().optional(),
        issuer: z.enum(["selfSigned", "acme"]).optional(),
        acmeEmail: z.email().optional(),
        acmeServer: z.url().optional(),
        domain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "domain").optional(),
        chartVersion: nonEmpty.optional(),
        chartRepository: z.url().optional(),
    }),
    serving: z.strictObject({
        image: nonEmpty.optional(),
        tag: nonEmpty.optional(),
        // NIM profile IDs are SHA-256 hex digests (the operator's model manifest).
        profiles: z.array(z.string().regex(/^[0-9a-f]{64}$/, "profile")).min(1).optional(),
        gpuProduct: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "product").optional(),
        engine: z.enum(["tensorrt_llm", "vllm", "sglang"]).optional(),
        tensorParallelism: z.string().regex(/^[1-9]\d*$/, "count").optional(),
        precision: z.enum(["fp8", "fp16", "bf16", "int4_awq", "nvfp4", "mxfp4"]).optional(),
        storageClass: dnsLabel.optional(),
        storageClassExists: z.boolean().optional(),
        cacheSize: z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/, "quantity").optional(),
        gpus: z.number().int().min(1).max(16).optional(),
        modelMirror: z.string().regex(/^(s3|https?):\/\/\S+$/, "mirror").optional(),
        pullSecret: dnsLabel.optional(),
    }),
    gpuDriver: z.strictObject({
        precompiled: z.boolean().optional(),
        repository: nonEmpty.optional(),
        image: nonEmpty.optional(),
        version: nonEmpty.optional(),
    }),
    openshift: z.strictObject({ version: z.enum(openshiftReleases.map((r) => r.version) as [string, ...string[]]).optional() }),
    splunk: z.strictObject({
        endpoint: z.url().optional(),
        metricsIndex: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "index").optional(),
        eventsIndex: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "index").optional(),
    }),
    lvms: z.strictObject({
        devicePaths: z.array(z.string().regex(/^\/dev\/\S+$/, "device")).min(1).optional(),
        nodeSelector: z.record(z.string().min(1), z.string()).optional(),
        defaultStorageClass: z.boolean().optional(),
    }),
    components: z.record(z.string(), componentOverride),
    extraComponents: z.record(dnsLabel, extraComponent),
} as const;

/** Simple keys, declared in Pulumi.yaml with their type. */
export const simpleKeys = {
    cluster: dnsLabel,
    gpu: z.boolean(),
    adoptExisting: z.boolean(),
} as const;

/** Secret keys: each one top-level secure config value. */
export const bootstrapSecretKeys = ["kubeconfig", "githubToken", "repoToken", "sealingKey", "sealingCert"] as const;

type AnySchema = z.ZodType;

/** The parts of a zod schema's definition that name what it holds. */
interface DefLike {
    readonly type: string;
    readonly innerType?: AnySchema;
    readonly shape?: Readonly<Record<string, AnySchema>>;
    readonly valueType?: AnySchema;
    readonly element?: AnySchema;
    readonly keyType?: AnySchema;
}

export function defOf(schema: AnySchema): DefLike {
    return (schema as unknown as { _zod: { def: DefLike } })._zod.def;
}

/** The schema found by following a path into `schema`, for naming the valid keys of an object. */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
    let s: AnySchema | undefined = schema;
    for (let i = 0; s !== undefined; ) {
        const def = defOf(s);
        if (def.type === "optional" || def.type === "default" || def.type === "nullable") {
            s = def.innerType;
            continue;
        }
        if (i === path.length) return s;
        const key = path[i++];
        if (def.type === "object") s = def.shape?.[key as string];
        else if (def.type === "record") s = def.valueType;
        // An array's items; any other schema (a union, a string) has no element, so no keys are found.
        else s = def.element;
    }
    return s;
}

function objectKeysOf(schema: AnySchema | undefined): string[] {
    const def = schema && defOf(schema);
    return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

export function keyPath(base: string, path: readonly PropertyKey[]): string {
    let out = base;
    for (const p of path) {
        if (typeof p === "number") out += `[${p}]`;
        else out += /^[\w-]+$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
    }
    return out;
}

/** What a regex-checked value should be, by the message name given to its regex. */
function regexHint(name: string): string {
    switch (name) {
        case "profile": return "is not a NIM profile ID; use the 64-hex ID the model's list-model-profiles shows";
        case "count": return "is not a positive count written as a string, e.g. \"1\"";
        case "quantity": return "is not a Kubernetes quantity, e.g. 50Gi";
        case "mirror": return "is not an s3://, https:// or http:// URL of the model repository";
        case "product": return "is not a GPU product as the NIM operator names it, e.g. h100; use lowercase letters, digits, \".\" and \"-\"";
        case "chartrepo": return "is not a Helm repository (https://...) or an OCI registry path (oci://host/path)";
        case "index": return "is not a Splunk index name; use lowercase letters, digits, \"_\" and \"-\"";
        case "device": return "is not a device path; use a /dev/... path, e.g. /dev/disk/by-path/pci-0000:00:1f.2-ata-1";
        case "domain": return "is not a DNS name; use lowercase letters, digits, \".\" and \"-\", starting and ending with a letter or digit";
        default: return "is not a DNS label; use lowercase letters, digits and \"-\"";
    }
}

const typeHints: Record<string, string> = {
    boolean: "a boolean; use true or false",
    number: "a number",
    int: "a whole number",
    string: "a string",
    object: "a mapping of keys to values",
    array: "a list",
    record: "a mapping of keys to values",
};

/** Turn zod's issues into our one-line style, naming the config key, the bad value and the fix. */
export function formatIssues(base: string, schema: AnySchema, issues: readonly z.core.$ZodIssue[]): string[] {
    const lines: string[] = [];
    for (const issue of issues) {
        const key = keyPath(base, issue.path);
        const input = (issue as { input?: unknown }).input;
        switch (issue.code) {
            case "invalid_type":
                lines.push(input === undefined
                    ? `${key}: is required; set it in Pulumi.<stack>.yaml`
                    : `${key}: ${show(input)} is not ${typeHints[issue.expected] ?? issue.expected}`);
                break;
            case "unrecognized_keys": {
                const valid = objectKeysOf(schemaAt(schema, issue.path));
                for (const k of issue.keys) {
                    const near = closestName(k, valid);
                    lines.push(`${keyPath(key, [k])}: unknown key ${JSON.stringify(k)}; ` +
                        (near ? `did you mean ${JSON.stringify(near)}?`
                            : valid.length > 0 ? `valid keys are ${quoteList(valid)}` : "see the config reference in docs/reference.md for the valid keys"));
                }
                break;
            }
            case "invalid_value":
                lines.push(`${key}: ${show(input)} is not one of ${quoteList(issue.values)}`);
                break;
            case "invalid_union":
                lines.push(`${key}: ${show(input)} is not valid here; see the config reference in docs/reference.md`);
                break;
            case "invalid_format":
                lines.push(issue.format === "regex" ? `${key}: ${show(input)} ${regexHint(issue.message)}`
                    : `${key}: ${show(input)} is not a valid ${issue.format}`);
                break;
            case "too_small":
                lines.push(issue.origin === "string"
                    ? `${key}: must not be empty`
                    : `${key}: ${show(input)} is below the minimum of ${String(issue.minimum)}`);
                break;
            case "too_big":
                lines.push(issue.origin === "string"
                    ? `${key}: ${show(input)} is ${String(input).length} characters; Kubernetes names and label values allow ${String(issue.maximum)}`
                    : `${key}: ${show(input)} is above the maximum of ${String(issue.maximum)}`);
                break;
            case "invalid_key":
                lines.push(`${key}: ${show(issue.path[issue.path.length - 1])} is not a valid name; use a DNS label`);
                break;
            default:
                lines.push(`${key}: ${issue.message}`);
        }
    }
    return lines;
}
