/** How a plan:diff tells objects apart: by the object, not the file (a number prefix is a position, and a move is not an add plus a remove). */
export function objectKey(kind: string, namespace: string | undefined, name: string, patch = false): string {
    return `${kind}${patch ? " (patch)" : ""}/${namespace ?? ""}/${name}`;
}
