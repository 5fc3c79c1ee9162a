import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigProblems } from "../lib/problems";

/** Each command's usage and what it does: `npm run <command> -- --help`. */
const commands: Record<string, string> = {
    plan: `npm run plan -- --stack <name> | --stacks <a,b,...> | --all-stacks [--config <file>] [--values <file>] [--out <dir>] [--svg] [--charts <dir,...>]
  Validates the stack, renders and checks apps/, prints the plan, and runs the program under Pulumi mocks.
  Several stacks are planned in turn in one process (--out <dir>/<stack>/ each; --snapshot: one snapshot.json
  each, what plan:diff reads); exit 1 if any fails.
  --config  another stack file (default Pulumi.<name>.yaml)   --values  secret values (YAML, keep out of Git)
  --out     write preview.json, plan.json, graph.mmd, manifests/ and rendered/   --svg  also graph.svg (Chromium)`,
    "plan:diff": `npm run plan:diff -- --stack <name>|--all-stacks --base <git-ref> [--out <file>] [--full <file>]
  Plans the working tree and the base ref (a clean git worktree) and writes the PR comment's Markdown: a summary
  first, then each stack, under GitHub's 65,536-character limit (--full: the whole report, uncut).
  Exit 1 when the change's own plan fails (the report says why).`,
    render: `npm run render -- --stack <name> [--config <file>] [--values <file>] [--out <dir>] [--charts <dir,...>] [--pull-charts]
  Renders each component as Argo CD would (kubectl kustomize, helm template), validates every object, checks every need
  and what the pods do on OpenShift (SCC admission, image pulls, Secret keys, placeholders).
  --charts <dir,...>  chart sources (<name>-<version>/), also $SAIF_CHARTS   --pull-charts  fetch the pinned charts (online)`,
    seal: `npm run seal -- --stack <name> --values <file> --cert <pem> --out <dir> [--config <file>]
  Seals the secrets the stack's components need into <dir>/apps/<delivering app>/<consumer>/<name>.yaml.`,
    bench: `npm run bench
  Measures plan time and memory per stack and for synthetic catalogs; exit 0 when every target is met, 1 otherwise.`,
    docs: `npm run docs
  Regenerates the sample PR comment in docs/pull-requests.md.`,
    fleet: `npm run fleet -- plan [--fleet <file>] | simulate --fleet <file> [--json] [--stop-at <s> --state <file>] [--resume <file>]
  plan: the stacks a rollout touches, ring by ring, each ring's deadline and estimated end (default fleet/rings.yaml).
  verify --stack <s> --revision <sha> [--deadline <s> | --soak <s>] [--interval <s>]: the cluster took the release
  (every Application Synced and Healthy at that commit), polled until the deadline, or sampled over the soak.
  workflow: writes .github/workflows/rollout.yml from fleet/rings.yaml.
  simulate: runs the rollout's decision function (rings in order, soak, deadline, failure budget) against the fleet file's
  simulated outcomes; no cluster, no CLI. Exit 0 when the rollout completes, 1 when it halts (docs/fleet.md).`,
    "drift:report": `npm run drift:report -- <dir> [--revision <sha>] [--fleet <file>] [--out <file>]
  Turns what the drift workflow collected (<dir>/<stack>/refresh.json, refresh.exit, applications.json) into one
  Markdown report for the fleet: per stack, then each drifted object once with the stacks that have it; noise left out.
  Exit 0 clean, 7 on drift, 1 when an input is missing or malformed (one line each). docs/drift.md.`,
};
const usage = `usage:\n${Object.values(commands).map((c) => `  ${c.split("\n")[0]}`).join("\n")}\n(npm run <command> -- --help for one command)`;

async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
            stack: { type: "string" },
            stacks: { type: "string" },
            snapshot: { type: "boolean" },
            config: { type: "string" },
            values: { type: "string" },
            out: { type: "string" },
            full: { type: "string" },
            base: { type: "string" },
            cert: { type: "string" },
            svg: { type: "boolean" },
            "all-stacks": { type: "boolean" },
            charts: { type: "string" },
            "pull-charts": { type: "boolean" },
            help: { type: "boolean", short: "h" },
            fleet: { type: "string" },
            json: { type: "boolean" },
            "stop-at": { type: "string" },
            state: { type: "string" },
            resume: { type: "string" },
            revision: { type: "string" },
            deadline: { type: "string" },
            soak: { type: "string" },
            interval: { type: "string" },
        },
        strict: true,
    });
    if (values.help && command && commands[command]) {
        console.log(`usage: ${commands[command]}`);
        return 0;
    }
    if (values.help || !command) {
        console.log(usage);
        return values.help ? 0 : 2;
    }
    // Only `fleet` (a subcommand) and `drift:report` (a folder) take a bare word; elsewhere it is a flag without its --.
    if (command !== "fleet" && command !== "drift:report" && positionals.length > 0) throw new ConfigProblems([`${positionals[0]}: unexpected argument; flags start with -- (npm run ${command} -- --help)`]);
    // Chart directories for every command that renders (plan:diff's base plan too): the environment carries them.
    if (values.charts) {
        const dirs = values.charts.split(",").map((d) => path.resolve(d.trim())).filter(Boolean);
        const missing = dirs.filter((d) => !existsSync(d));
        if (missing.length > 0) throw new ConfigProblems([`--charts: ${missing.join(", ")}: no such folder; give folders of chart sources (<name>-<version>/Chart.yaml)`]);
        process.env.SAIF_CHARTS = dirs.join(path.delimiter);
    }
    switch (command) {
        case "plan": return (await import("./plan")).planCommand(values);
        case "seal": return (await import("./seal")).sealCommand(values);
        case "render": return (await import("./render")).renderCommand(values);
        case "plan:diff": return (await import("./diff")).diffCommand(values);
        case "bench": return (await import("./bench")).benchCommand();
        case "docs": return (await import("./docs")).docsCommand();
        case "fleet": return (await import("./fleet")).fleetCommand(positionals[0], values);
        case "drift:report": return (await import("./drift")).driftCommand(positionals[0], values);
        default:
            console.error(`unknown command ${JSON.stringify(command)}\n${usage}`);
            return 2;
    }
}

// For the tests: which of the SDK internals a plan never runs were loaded (they must not be).
if (process.env.SAIF_REPORT_MODULES) {
    process.on("exit", () => {
        const loaded = Object.keys(require.cache);
        const count = (part: string) => loaded.filter((f) => f.split(path.sep).join("/").includes(part)).length;
        process.stderr.write(`saif-modules ${JSON.stringify({
            modules: loaded.length,
            typescript: count("/node_modules/typescript/"),
            arborist: count("/node_modules/@npmcli/arborist/"),
            automation: count("/@pulumi/pulumi/automation/"),
            closure: count("/@pulumi/pulumi/runtime/closure/"),
            github: count("/node_modules/@pulumi/github/"),
            tls: count("/node_modules/@pulumi/tls/"),
            certManager: count("/node_modules/@pulumi/kubernetes-cert-manager/"),
            helm: count("/@pulumi/kubernetes/helm/"),
            kubernetesIndex: loaded.some((f) => f.split(path.sep).join("/").endsWith("/@pulumi/kubernetes/index.js")),
        })}\n`);
    });
}

// For `npm run bench`: report this process's peak memory and CPU time when it ends.
if (process.env.SAIF_REPORT_RESOURCES) {
    process.on("exit", () => {
        const u = process.resourceUsage();
        process.stderr.write(`saif-resources ${JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
    });
}

main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
        // Config problems are the user's to fix: one line each, no stack trace.
        if (err instanceof ConfigProblems) console.error(err.lines.join("\n"));
        else if (err instanceof Error && err.name === "TypeError" && /parseArgs|ERR_PARSE_ARGS/.test(String((err as { code?: string }).code))) console.error(`${err.message}\n${usage}`);
        else console.error(err instanceof Error ? err.stack ?? err.message : String(err));
        process.exitCode = 1;
    },
);
