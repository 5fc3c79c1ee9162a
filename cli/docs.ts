import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { diffDocument, diffReport } from "../lib/diffReport";
import { planAndRead } from "./planRead";

const start = "<!-- sample-pr-comment:start -->";
const end = "<!-- sample-pr-comment:end -->";

/** The sample PR comment of docs/pull-requests.md: plan:diff's report for the fixture pair in test/fixtures (generated, never edited). */
export async function samplePrComment(dir: string): Promise<string> {
    const tmp = mkdtempSync(path.join(tmpdir(), "docs-"));
    try {
        const snap = (file: string) => planAndRead(dir, "ai-pod-1", path.join(tmp, file), path.join(dir, "test/fixtures", file));
        const before = await snap("diff-before.yaml");
        const after = await snap("diff-after.yaml");
        return diffDocument([diffReport("ai-pod-1", before, after)], "main");
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}

export function readmeSample(readme: string): string | undefined {
    const i = readme.indexOf(start);
    const j = readme.indexOf(end);
    return i >= 0 && j > i ? readme.slice(i + start.length, j).trim() : undefined;
}

/** The page that shows the sample PR comment. */
export const samplePage = "docs/pull-requests.md";

/** Quote the comment as rendered Markdown would show it in the PR. */
export function quoted(markdown: string): string {
    return markdown.trimEnd().split("\n").map((l) => (l ? `> ${l}` : ">")).join("\n");
}

export async function docsCommand(): Promise<number> {
    const file = path.join(process.cwd(), samplePage);
    const readme = readFileSync(file, "utf8");
    const i = readme.indexOf(start);
    const j = readme.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${samplePage} has no ${start} ... ${end} block`);
    const sample = quoted(await samplePrComment(process.cwd()));
    writeFileSync(file, `${readme.slice(0, i + start.length)}\n${sample}\n${readme.slice(j)}`);
    console.log(`Updated the sample PR comment in ${samplePage}`);
    return 0;
}
