/**
 * A PR comment GitHub accepts: GitHub refuses an issue comment longer than 65,536 characters (its REST API:
 * "body is too long (maximum is 65536 characters)"), and the sticky-comment action then fails the workflow. The full
 * report goes to a workflow artifact; the comment keeps a summary first, shows a diff that several stacks share once,
 * and cuts the largest diffs until it fits, each cut saying what was cut and where the whole is.
 */
export const githubCommentLimit = 65_536;
/** Room for the action's own header and footer. */
export const commentBudget = 60_000;

/** One stack's section, with what the summary table says of it. */
export interface StackSection {
    readonly stack: string;
    /** "No changes", "3 added, 1 changed", "plan failed", ... */
    readonly result: string;
    readonly markdown: string;
}

const detailsBlock = /<details><summary>([^\n]*)<\/summary>\n\n(`{3,4})(\w*)\n([\s\S]*?)\n\2\n\n<\/details>/g;

/** The summary table: one row per stack, before any detail. */
export function summaryTable(sections: readonly StackSection[]): string {
    return "| stack | result |\n|---|---|\n" + sections.map((s) => `| \`${s.stack}\` | ${s.result} |`).join("\n");
}

/** A diff block that an earlier stack's section already shows, byte for byte, becomes a line pointing there. */
export function shareDiffs(sections: readonly StackSection[]): StackSection[] {
    const seen = new Map<string, string>();
    return sections.map((s) => ({
        ...s,
        markdown: s.markdown.replace(detailsBlock, (block: string, title: string, _ticks: string, _lang: string, body: string) => {
            const first = seen.get(body);
            if (first !== undefined && first !== s.stack) return `<details><summary>${title}</summary>\n\nThe same diff as in stack \`${first}\`, above.\n\n</details>`;
            if (first === undefined) seen.set(body, s.stack);
            return block;
        }),
    }));
}

/**
 * Cut the largest diff bodies, longest first, to `keep` lines each, until the whole fits `budget`; then, if still too
 * long, replace whole stack sections after the summary by one line each. Every cut says so and where the full text is.
 */
export function fitComment(head: string, sections: readonly StackSection[], budget = commentBudget, where = "the workflow run's plan-diff artifact"): string {
    let dropped = 0;
    let rows = sections.length;
    const assemble = (parts: readonly StackSection[]) => [
        head,
        summaryTable(parts.slice(0, rows)) + (rows < parts.length ? `\n\n… and ${parts.length - rows} more stacks: see ${where}.` : ""),
        ...parts.map((p) => p.markdown).filter(Boolean),
        ...(dropped > 0 ? [`_${dropped} stack section${dropped > 1 ? "s are" : " is"} cut to fit GitHub's comment limit; the whole report is in ${where}._`] : []),
    ].join("\n\n") + "\n";
    let parts = shareDiffs(sections);
    let text = assemble(parts);
    for (const keep of [60, 20, 5]) {
        if (text.length <= budget) return text;
        // Every diff longer than `keep` lines, longest first, until the text fits.
        const bodies: { stack: number; body: string; lines: number }[] = [];
        parts.forEach((p, i) => {
            for (const m of p.markdown.matchAll(detailsBlock)) bodies.push({ stack: i, body: m[4], lines: m[4].split("\n").length });
        });
        bodies.sort((a, b) => b.lines - a.lines);
        for (const b of bodies) {
            if (text.length <= budget || b.lines <= keep) break;
            const cut = `${b.body.split("\n").slice(0, keep).join("\n")}\n… ${b.lines - keep} more lines cut to fit GitHub's comment limit; the full diff is in ${where}`;
            parts = parts.map((p, i) => (i === b.stack ? { ...p, markdown: p.markdown.replace(b.body, () => cut) } : p));
            text = assemble(parts);
        }
    }
    // Still too long (very many stacks): whole sections go, last first (the summary keeps their rows); then rows.
    for (let i = parts.length - 1; i >= 0 && text.length > budget; i--) {
        parts = parts.map((p, j) => (j === i ? { ...p, markdown: "" } : p));
        dropped++;
        text = assemble(parts);
    }
    while (text.length > budget && rows > 0) {
        rows = Math.max(0, rows - Math.ceil((text.length - budget) / 40));
        text = assemble(parts);
    }
    return text;
}
