/** Helm's merge of values: mappings merge key by key, anything else (lists too) is replaced by the later value. */
export function deepMerge(a: unknown, b: unknown): unknown {
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
        const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
        for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
        return out;
    }
    return b === undefined ? a : b;
}

/**
 * The value at `path` in plain JSON, or undefined where a step is not an object. Reads each step once with `[]`, so
 * an unknown-checking proxy (policy/) throws on exactly the field it guards.
 */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
    let v = value;
    for (const k of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string | number, unknown>)[k];
    }
    return v;
}
