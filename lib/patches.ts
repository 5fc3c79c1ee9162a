import { validate as validateJsonPatch } from "fast-json-patch";
import { parse as parseYaml } from "yaml";

/**
 * What Kustomize (and so Argo CD) would refuse in a stack's `kustomize.patches` entry, checked before anything is
 * registered: an entry needs an inline `patch` or a file `path`; an inline patch is YAML, either a JSON 6902 list
 * of operations (checked with fast-json-patch: the op exists, the path is a JSON pointer, a value is there where
 * the op needs one) or a strategic-merge patch (a mapping).
 */
export function patchProblems(entry: { patch?: string; path?: string }): string[] {
    if (entry.patch === undefined && entry.path === undefined) return ["has neither patch nor path; give the patch inline (patch) or a file next to kustomization.yaml (path)"];
    if (entry.patch === undefined) return [];
    let doc: unknown;
    try {
        doc = parseYaml(entry.patch);
    } catch (e) {
        return [`.patch is not valid YAML: ${(e as Error).message.split("\n")[0].replace(/:$/, "")}`];
    }
    if (Array.isArray(doc)) {
        const error = validateJsonPatch(doc as never[]);
        if (!error) return [];
        const detail: Record<string, string> = {
            OPERATION_OP_INVALID: "op is not one of add, remove, replace, move, copy, test",
            OPERATION_PATH_INVALID: "path is not a JSON pointer (it starts with /)",
            OPERATION_FROM_REQUIRED: "a move or copy needs from",
            OPERATION_VALUE_REQUIRED: "an add, replace or test needs value",
            OPERATION_NOT_AN_OBJECT: "an operation is a mapping of op, path and value",
        };
        return [`.patch[${String(error.index)}]: ${detail[error.name] ?? error.message.split("\n")[0]}`];
    }
    if (!doc || typeof doc !== "object") return [".patch is neither a list of JSON patch operations nor a strategic-merge patch (a mapping)"];
    return [];
}
