import { strict as assert } from "node:assert";
import { fitComment, githubCommentLimit, shareDiffs, StackSection, summaryTable } from "../lib/commentFit";
import { sectionResult } from "../lib/diffReport";

/** PR comments GitHub accepts (issue 23): under 65,536 characters whatever the change, nothing cut silently. */
describe("the PR comment fits GitHub's limit", () => {
    const diff = (title: string, lines: number, seed = "x") =>
        `<details><summary>${title}</summary>\n\n\`\`\`diff\n${Array.from({ length: lines }, (_, i) => `+${seed} line ${i} ${"y".repeat(40)}`).join("\n")}\n\`\`\`\n\n</details>`;
    const section = (stack: string, body: string, result = "**1 added, 0 removed, 0 changed** (Applications)"): StackSection =>
        ({ stack, result: result.replace(/\*\*/g, ""), markdown: `## Stack \`${stack}\`\n\n${result}\n\n### Diffs\n\n${body}` });

    it("puts a summary of every stack first", () => {
        const text = fitComment("# head", [section("a", diff("x", 3)), section("b", "", "No changes")]);
        assert.ok(text.indexOf("| `a` | 1 added, 0 removed, 0 changed (Applications) |") < text.indexOf("## Stack `a`"));
        assert.equal(summaryTable([]), "| stack | result |\n|---|---|\n");
    });

    it("shows a diff several stacks share once, pointing the others to it", () => {
        const shared = shareDiffs([section("a", diff("Application `nim-llm`", 10)), section("b", diff("Application `nim-llm`", 10)), section("c", diff("Application `nim-llm`", 10, "other"))]);
        assert.match(shared[0].markdown, /\+x line 9/);
        assert.match(shared[1].markdown, /<details><summary>Application `nim-llm`<\/summary>\n\nThe same diff as in stack `a`, above\.\n\n<\/details>/);
        assert.match(shared[2].markdown, /\+other line 9/, "a different diff stays");
    });

    it("cuts the largest diffs first, saying what was cut and where the whole is, until it fits", () => {
        const big = [section("a", [diff("one", 2000), diff("two", 40)].join("\n")), section("b", diff("three", 1500, "b"))];
        const text = fitComment("# head", big, 60_000);
        assert.ok(text.length <= 60_000, `${text.length}`);
        assert.match(text, /… \d+ more lines cut to fit GitHub's comment limit; the full diff is in the workflow run's plan-diff artifact/);
        assert.match(text, /\+x line 39/, "a small diff is left whole");
        // Small enough already: unchanged.
        const small = [section("a", diff("one", 5))];
        assert.equal(fitComment("# head", small), `# head\n\n${summaryTable(small)}\n\n${small[0].markdown}\n`);
    });

    it("drops whole sections last when cutting diffs is not enough, keeping every stack's summary row", () => {
        const many = Array.from({ length: 400 }, (_, i) => section(`s${i}`, diff("d", 3, `s${i}`)));
        const text = fitComment("# head", many, 60_000);
        assert.ok(text.length <= 60_000 && text.length < githubCommentLimit, `${text.length}`);
        assert.ok(!text.includes("## Stack `s399`") && text.includes("## Stack `s0`"), "the last sections go first");
        assert.match(text, /_\d+ stack sections are cut to fit GitHub's comment limit; the whole report is in the workflow run's plan-diff artifact\._/);
        assert.ok(text.includes("| `s0` |") && text.includes("| `s399` |"), "every stack stays in the summary");
        // Even the summary is cut, with a line, past a few thousand stacks.
        const huge = fitComment("# head", Array.from({ length: 3000 }, (_, i) => section(`s${i}`, "")), 60_000);
        assert.ok(huge.length <= 60_000);
        assert.match(huge, /… and \d+ more stacks: see the workflow run's plan-diff artifact\./);
    });

    it("summarises each section: its headline, new, unchanged or failed", () => {
        assert.equal(sectionResult("## Stack `a`\n\nNo changes: 3 components, same order, same objects."), "No changes");
        assert.equal(sectionResult("## Stack `a`\n\n_No plan of this stack at the base (new)._\n\n**24 added, 0 removed, 0 changed** (Applications); x"), "new: 24 added, 0 removed, 0 changed (Applications); x");
        assert.equal(sectionResult("## Stack `a`\n\nThe plan of the change failed or the stack was removed: boom"), "plan failed or stack removed (see its section)");
    });
});
