/** One line per problem: `<config key>: <what is wrong, with the bad value>; <what to do>`. */
export class ConfigProblems extends Error {
    constructor(readonly lines: readonly string[]) {
        super(lines.join("\n"));
        this.name = "ConfigProblems";
    }
}

/** A value as the user wrote it, for an error line. */
export function show(value: unknown): string {
    // Echoed values are cut to a readable length: a line names the key and what to do, not a whole document.
    if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    if (value === undefined) return "nothing";
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** Values as a list for an error line: strings quoted, numbers and booleans as written (`"a", "b"`; `1, 2`). */
export function quoteList(values: Iterable<unknown>): string {
    return [...values].map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ");
}
