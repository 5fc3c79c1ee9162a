import Ajv, { ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";

import { strictify } from "../cli/validate";

type Schema = Record<string, unknown>;

const cache = new Map<string, ValidateFunction>();

/** A strict validator of `version` of the CRD in test/schemas/<file>. */
export function crdValidator(file: string, version: string): ValidateFunction {
    const key = `${file}@${version}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const raw = readFileSync(path.join(__dirname, "schemas", file));
    const text = file.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
    const crd = parseYaml(text) as { spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] } };
    const v = crd.spec.versions.find((x) => x.name === version);
    if (!v) throw new Error(`${file} has no version ${version}`);
    // Kubernetes patterns are Go RE2, which accepts escapes (like \-) that JavaScript's unicode mode refuses.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
    const fn = ajv.compile(strictify(v.schema.openAPIV3Schema) as Schema);
    cache.set(key, fn);
    return fn;
}

/** Validation errors as readable lines; empty when valid. */
export function crdErrors(file: string, version: string, object: unknown): string[] {
    const validate = crdValidator(file, version);
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
