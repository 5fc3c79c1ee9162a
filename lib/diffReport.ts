import { createTwoFilesPatch } from "diff";
import { formatDuration, type PlanSummary } from "./plan";

/** One side of a comparison: what `plan --out` wrote for a stack. */
export interface PlanSnapshot {
    readonly summary?: PlanSummary;
    /** Manifests by object key (`Application/openshift-gitops/nim-llm`), YAML text. */
    readonly manifests: ReadonlyMap<string, string>;
    /** What each component renders (Kustomize and directory objects, or its chart and values), by object key. */
    readonly rendered?: ReadonlyMap<string, ReadonlyMap<string, string>>;
    readonly graph?: string;
    /** Why this side has no plan (the stack is new, or its config failed). */
    readonly missing?: string;
}

export const commentMarker = "<!-- saif-platform:plan-diff -->";

function fence(lang: string, body: string): string {
    const ticks = body.includes("```") ? "````" : "```";
    return `${ticks}${lang}\n${body.trimEnd()}\n${ticks}`;
}

/** Strip the header comment (it carries the URN) so a diff shows only the object. */
const body = (yaml: string) => yaml.split("\n").filter((l) => !l.startsWith("# ")).join("\n");

function unified(key: string, before: string, after: string): string {
    const name = key.replace(/[^A-Za-z0-9.-]+/g, "_");
    const patch = createTwoFilesPatch(`before/${name}.yaml`, `after/${name}.yaml`, body(before), body(after), "", "", { context: 3 });
    return patch.split("\n").filter((l) => !l.startsWith("====")).join("\n");
}

/** The catalog's Applications (labelled with their component) by component name, to their manifest keys. */
function componentApps(manifests: ReadonlyMap<string, string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, text] of manifests) {
        const name = /saif\.io\/component: (\S+)/.exec(text)?.[1];
        if (key.startsWith("Application/") && name) out.set(name, key);
    }
    return out;
}

/** The object diffs of the components both sides render (a side without rendered content compares nothing). */
function renderedChanges(before?: ReadonlyMap<string, ReadonlyMap<string, string>>, after?: ReadonlyMap<string, ReadonlyMap<string, string>>): { title: string; text: string }[] {
    if (!before || !after) return [];
    const out: { title: string; text: string }[] = [];
    for (const [component, objects] of after) {
        const old = before.get(component);
        if (!old) continue;
        for (const key of [...new Set([...old.keys(), ...objects.keys()])].sort()) {
            const a = old.get(key) ?? "";
            const b = objects.get(key) ?? "";
            if (a === b) continue;
            const what = !old.has(key) ? " (added)" : !objects.has(key) ? " (removed)" : "";
            out.push({ title: `\`${component}\`: ${key === "chart" ? "chart and values" : `\`${key}\``}${what}`, text: unified(`${component}-${key}`, a, b) });
        }
    }
    return out;
}

/**
 * CRDs a component renders at the base and no longer renders after the change, while the component stays: Argo CD's
 * automated prune deletes them, and with them every object of their kinds. Only `Prune=false` on the live CRD stops it
 * (gitops-engine pkg/sync/sync_context.go `pruneObject` reads it from the live object).
 */
export function prunedCrds(before?: ReadonlyMap<string, ReadonlyMap<string, string>>, after?: ReadonlyMap<string, ReadonlyMap<string, string>>): { component: string; crd: string }[] {
    if (!before || !after) return [];
    const out: { component: string; crd: string }[] = [];
    for (const [component, objects] of after) {
        for (const key of before.get(component)?.keys() ?? []) {
            if (key.startsWith("CustomResourceDefinition/") && !objects.has(key)) out.push({ component, crd: key.split("/").pop()! });
        }
    }
    return out.sort((x, y) => `${x.component}/${x.crd}`.localeCompare(`${y.component}/${y.crd}`));
}

/** Markdown for a PR comment: what a change does to one stack's deployment, without cluster access. */
export function diffReport(stack: string, before: PlanSnapshot, after: PlanSnapshot): string {
    const out: string[] = [`## Stack \`${stack}\``];
    if (after.missing) return [...out, `The plan of the change failed or the stack was removed: ${after.missing}`].join("\n\n");
    const b = before.summary;
    const a = after.summary!;
    if (before.missing) out.push(`_No plan of this stack at the base (${before.missing})._`);
    else if (!b) out.push("_The base's plan wrote no plan.json (an older version): objects are compared, order and times are not._");

    const bNames = new Map((b?.components ?? []).map((c) => [c.name, c]));
    const aNames = new Map(a.components.map((c) => [c.name, c]));
    // Components are told apart by their Applications, so a base whose plan wrote no plan.json still compares.
    const bApps = componentApps(before.manifests);
    const aApps = componentApps(after.manifests);
    const added = [...aApps.keys()].filter((n) => !bApps.has(n));
    const removed = [...bApps.keys()].filter((n) => !aApps.has(n));
    const changedApps = [...aApps].filter(([n, k]) => bApps.has(n) && before.manifests.get(bApps.get(n)!) !== after.manifests.get(k))
        .map(([name, key]) => ({ name, key }));
    const appKeys = new Set([...bApps.values(), ...aApps.values()]);
    const keys = [...new Set([...before.manifests.keys(), ...after.manifests.keys()])].filter((k) => !appKeys.has(k)).sort();
    const changedOther = keys.filter((k) => before.manifests.has(k) && after.manifests.has(k) && before.manifests.get(k) !== after.manifests.get(k));
    const otherAdded = keys.filter((k) => !before.manifests.has(k));
    const otherRemoved = keys.filter((k) => !after.manifests.has(k));
    // The derived wave is in plan.json; an older base carried it only as the Application's sync-wave annotation.
    const wave = (names: ReadonlyMap<string, { wave: number }>, m: ReadonlyMap<string, string>, name: string, key: string) =>
        String(names.get(name)?.wave ?? /sync-wave: "(-?\d+)"/.exec(m.get(key)!)?.[1] ?? "-");

    // Positions among the components both sides have, so adding or removing one does not move every later one.
    const common = (list: readonly { name: string }[]) => list.filter((c) => bNames.has(c.name) && aNames.has(c.name)).map((c) => c.name);
    const bPos = new Map(common(b?.components ?? []).map((n, i) => [n, i + 1]));
    const aPos = new Map(common(a.components).map((n, i) => [n, i + 1]));
    const moved = a.components.filter((c) => {
        const old = bNames.get(c.name);
        return old !== undefined && (old.wave !== c.wave || bPos.get(c.name) !== aPos.get(c.name));
    });
    const rewired = a.components.flatMap((c) => {
        const old = bNames.get(c.name);
        if (!old) return [];
        const plus = c.dependsOn.filter((d) => !old.dependsOn.includes(d));
        const minus = old.dependsOn.filter((d) => !c.dependsOn.includes(d));
        return plus.length + minus.length > 0 ? [{ name: c.name, plus, minus }] : [];
    });
    const nothing = [added, removed, changedApps, changedOther, otherAdded, otherRemoved, moved, rewired].every((l) => l.length === 0)
        && b?.modelCache === a.modelCache && renderedChanges(before.rendered, after.rendered).length === 0;
    if (nothing && !before.missing) {
        out.push(`No changes: ${a.components.length} components, same order, same objects.`);
        return out.join("\n\n");
    }

    const renderedCount = renderedChanges(before.rendered, after.rendered).length;
    // Never a "0 changed" headline over a real change: with no Application added, removed or changed, it leads with
    // what does change.
    const appsPart = added.length + removed.length + changedApps.length > 0
        ? `**${added.length} added, ${removed.length} removed, ${changedApps.length} changed** (Applications)`
        : `**No Application changes; ${renderedCount} rendered object${renderedCount === 1 ? "" : "s"} change${renderedCount === 1 ? "s" : ""}**`;
    out.push(`${appsPart}; ` +
        `${changedOther.length + otherAdded.length + otherRemoved.length} other objects differ; ${rewired.length} components change dependencies; ` +
        `${moved.length} move in order or wave.`);

    const pruned = prunedCrds(before.rendered, after.rendered);
    if (pruned.length > 0) {
        out.push("### CRDs Argo CD would prune", pruned.map((p) => `- **\`${p.component}\` no longer renders the CRD \`${p.crd}\`**: its automated prune deletes ` +
            "it and every object of its kind on the cluster. Keep it in the render, or first annotate the live CRD " +
            "`argocd.argoproj.io/sync-options: Prune=false`.").join("\n"));
    }

    const rows = [
        ...added.map((n) => `| \`${n}\` | added | ${aNames.get(n)?.tier ?? "-"} | - → ${wave(aNames, after.manifests, n, aApps.get(n)!)} |`),
        ...removed.map((n) => `| \`${n}\` | removed (its Application is deleted; see its finalizer) | ${bNames.get(n)?.tier ?? "-"} | ${wave(bNames, before.manifests, n, bApps.get(n)!)} → - |`),
        ...changedApps.map(({ name, key }) => `| \`${name}\` | changed | ${aNames.get(name)?.tier ?? "-"} | ${wave(bNames, before.manifests, name, bApps.get(name)!)} → ${wave(aNames, after.manifests, name, key)} |`),
    ];
    if (rows.length > 0) out.push("### Components", "| component | change | tier | wave |\n|---|---|---|---|\n" + rows.join("\n"));
    if (b?.modelCache && a.modelCache && b.modelCache !== a.modelCache) {
        out.push("### Model cache", `\`nim-cache\` replaces the model cache (\`${b.modelCache}\` → \`${a.modelCache}\`): the model is downloaded again. ` +
            "`nim-llm` keeps serving from the old cache's volume until the new cache is Ready and it moves to it.");
    }

    const diffs = [
        // An added Application is shown whole: reviewers see what will be created.
        ...added.map((n) => ({ title: `Application \`${n}\` (added)`, text: unified(n, "", after.manifests.get(aApps.get(n)!)!) })),
        ...changedApps.map(({ key, name }) => ({ title: `Application \`${name}\``, text: unified(name, before.manifests.get(bApps.get(name)!)!, after.manifests.get(key)!) })),
        ...changedOther.map((k) => ({ title: `\`${k}\``, text: unified(k, before.manifests.get(k)!, after.manifests.get(k)!) })),
        ...otherAdded.map((k) => ({ title: `\`${k}\` (added)`, text: unified(k, "", after.manifests.get(k)!) })),
        ...otherRemoved.map((k) => ({ title: `\`${k}\` (removed)`, text: unified(k, before.manifests.get(k)!, "") })),
    ];
    if (diffs.length > 0) {
        out.push("### Diffs", diffs.map((d) => `<details><summary>${d.title}</summary>\n\n${fence("diff", d.text)}\n\n</details>`).join("\n"));
    }
    // What changes on the cluster: a values or manifest edit under apps/ shows as the object diff it causes.
    const renderedDiffs = renderedChanges(before.rendered, after.rendered);
    if (renderedDiffs.length > 0) {
        out.push("### Rendered objects (what Argo CD applies)", renderedDiffs.map((d) => `<details><summary>${d.title}</summary>\n\n${fence("diff", d.text)}\n\n</details>`).join("\n"));
    }
    if (rewired.length > 0) {
        out.push("### Dependency changes (Pulumi dependsOn gates)", "| component | added | removed |\n|---|---|---|\n" +
            rewired.map((r) => `| \`${r.name}\` | ${r.plus.map((d) => `\`${d}\``).join(", ") || "-"} | ${r.minus.map((d) => `\`${d}\``).join(", ") || "-"} |`).join("\n"));
    }
    if (moved.length > 0) {
        out.push("### Order and wave changes", "| component | position | wave |\n|---|---|---|\n" + moved.map((c) => {
            const old = bNames.get(c.name)!;
            return `| \`${c.name}\` | ${bPos.get(c.name)} → ${aPos.get(c.name)} | ${old.wave} → ${c.wave} |`;
        }).join("\n"));
    }
    const path = (p?: readonly string[]) => (p && p.length > 0 ? p.map((x) => `\`${x}\``).join(" → ") : "-");
    const time = (s?: number) => (s === undefined ? "-" : formatDuration(s));
    out.push("### Critical path and estimated time to ready",
        "| | before | after |\n|---|---|---|\n" +
        `| critical path (dependsOn gates) | ${path(b?.criticalPath.gated)} | ${path(a.criticalPath.gated)} |\n` +
        `| time to ready, dependsOn gates | ${time(b?.totalSeconds.gated)} | ${time(a.totalSeconds.gated)} |\n` +
        `| time to ready, sync waves | ${time(b?.totalSeconds.waves)} | ${time(a.totalSeconds.waves)} |\n\n` +
        "_Times are estimates from the catalog, not measurements._");
    if (after.graph) out.push("### Deployment graph (after)", `<details><summary>graph</summary>\n\n${fence("mermaid", after.graph)}\n\n</details>`);
    return out.join("\n\n");
}

/** What the summary table says of one stack's section: its headline, or that nothing or its plan failed. */
export function sectionResult(markdown: string): string {
    if (markdown.includes("The plan of the change failed or the stack was removed")) return "plan failed or stack removed (see its section)";
    const headline = markdown.split("\n").find((l) => l.startsWith("**"));
    if (headline) return `${markdown.includes("_No plan of this stack at the base") ? "new: " : ""}${headline.replace(/\*\*/g, "")}`;
    return markdown.includes("No changes") ? "No changes" : "-";
}

/** The full report, every section whole (what the workflow keeps as an artifact). */
export function diffDocument(sections: readonly string[], base: string): string {
    return [diffHead(base), ...sections].join("\n\n") + "\n";
}

/** The comment's and the report's head. */
export function diffHead(base: string): string {
    return [commentMarker, `# Offline plan diff against \`${base}\``,
        "Rendered by `npm run plan:diff` from the program under Pulumi mocks: no cluster, no credentials; secrets show as `[secret]`."].join("\n\n");
}
