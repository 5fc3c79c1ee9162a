import Ajv, { ValidateFunction } from "ajv";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parseAllDocuments } from "yaml";

/**
 * Strict validation of rendered objects against their real schemas: the published CRDs for custom kinds and the
 * Kubernetes OpenAPI definitions for built-in kinds, both vendored in test/schemas/ (sources in its README).
 * Strict as the API server's strict field validation: an object schema that lists properties and neither keeps
 * unknown fields nor says otherwise gets `additionalProperties: false`, so a misspelt field fails. A kind with no
 * schema is an error, never a pass.
 */

type Schema = Record<string, unknown>;

export function strictify(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map(strictify);
    if (!schema || typeof schema !== "object") return schema;
    const s: Schema = Object.fromEntries(Object.entries(schema as Schema).map(([k, v]) => [k, strictify(v)]));
    if (s.properties && s["x-kubernetes-preserve-unknown-fields"] !== true && s.additionalProperties === undefined) {
        s.additionalProperties = false;
    }
    return s;
}

const read = (file: string) => {
    const raw = readFileSync(file);
    return (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
};

interface Catalog {
    readonly crds: Map<string, unknown>;
    readonly builtins: Map<string, string>;
    readonly ajv: Ajv;
}

let loaded: { dir: string; catalog: Catalog } | undefined;

const gvk = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

function load(dir: string): Catalog {
    if (loaded?.dir === dir) return loaded.catalog;
    // Kubernetes patterns are Go RE2, which accepts escapes (like \-) that JavaScript's unicode mode refuses.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
    const crds = new Map<string, unknown>();
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml(\.gz)?$/.test(x))) {
        for (const [key, schema] of crdSchemas(path.join(dir, f))) crds.set(key, strictify(schema));
    }
    // Built-in kinds: the Kubernetes OpenAPI (v2) definitions. IntOrString and Quantity accept numbers too, as the
    // API server does.
    const k8s = JSON.parse(read(path.join(dir, "kubernetes-definitions.json.gz"))) as { definitions: Record<string, Schema> };
    const defs = strictify(k8s.definitions) as Record<string, Schema>;
    // The vendored copy was made smaller by dropping every "description" key, which also dropped the two real fields
    // of that name: a CRD's printer column's and a JSON schema's (apiextensions/v1 CustomResourceColumnDefinition and
    // JSONSchemaProps both have `description`).
    for (const d of ["CustomResourceColumnDefinition", "JSONSchemaProps"]) {
        const def = defs[`io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.${d}`] as { properties?: Record<string, unknown> } | undefined;
        if (def?.properties && !def.properties.description) def.properties.description = { type: "string" };
    }
    defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = { anyOf: [{ type: "string" }, { type: "integer" }] };
    defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = { anyOf: [{ type: "string" }, { type: "number" }] };
    ajv.addSchema({ definitions: defs }, "k8s");
    const builtins = new Map<string, string>();
    for (const [name, d] of Object.entries(defs)) {
        for (const g of (d["x-kubernetes-group-version-kind"] ?? []) as { group: string; version: string; kind: string }[]) {
            builtins.set(gvk(g.group ? `${g.group}/${g.version}` : g.version, g.kind), name);
        }
    }
    const catalog = { crds, builtins, ajv };
    loaded = { dir, catalog };
    return catalog;
}

type CrdDoc = { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: unknown } }[] } } | null;

/**
 * The schemas of a CRD file by `group/version/Kind`. Parsing YAML is the slow part (about a second for the vendored
 * CRDs), so the result is cached as JSON under node_modules/.cache, keyed by the file's bytes.
 */
function crdSchemas(file: string): [string, unknown][] {
    const bytes = readFileSync(file);
    const cache = path.join(path.dirname(file), "../../node_modules/.cache/saif-platform/schemas", `${createHash("sha256").update(bytes).digest("hex")}.json`);
    if (existsSync(cache)) {
        try {
            return JSON.parse(readFileSync(cache, "utf8")) as [string, unknown][];
        } catch {
            // A torn cache file: parse again.
        }
    }
    const out: [string, unknown][] = [];
    for (const doc of parseAllDocuments((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"))) {
        const crd = doc.toJS() as CrdDoc;
        if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
        for (const v of crd.spec.versions) if (v.schema) out.push([gvk(`${crd.spec.group}/${v.name}`, crd.spec.names.kind), v.schema.openAPIV3Schema]);
    }
    try {
        mkdirSync(path.dirname(cache), { recursive: true });
        writeFileSync(cache, JSON.stringify(out));
    } catch {
        // No cache where node_modules is read-only.
    }
    return out;
}

const compiled = new Map<string, ValidateFunction>();

/** The errors of one object, one line each; `undefined` when no schema knows its kind. */
export function schemaErrors(dir: string, object: { apiVersion?: unknown; kind?: unknown }): string[] | undefined {
    const c = load(dir);
    const key = gvk(String(object.apiVersion), String(object.kind));
    let validate = compiled.get(key);
    if (!validate) {
        const crd = c.crds.get(key);
        const builtin = c.builtins.get(key);
        if (crd) validate = c.ajv.compile(crd as Schema);
        else if (builtin) validate = c.ajv.getSchema(`k8s#/definitions/${builtin}`);
        if (!validate) return undefined;
        compiled.set(key, validate);
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ""}`);
}
