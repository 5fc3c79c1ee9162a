/** Helm's merge of values: mappings merge key by key, anything else (lists too) is replaced by the later value. */
export function deepMerge(a: unknown, b: unknown): unknown {
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
        const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
        for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
        return out;
    }
    return b === undefined ? a : b;
}
