import { stringify } from "yaml";
import type { Fleet, Ring } from "./rollout";

/**
 * A stack's kubeconfig secret: GitHub secret names take only letters, digits and underscores (GitHub docs, "Naming
 * your secrets"), so `ai-pod-1` reads `KUBECONFIG_AI_POD_1`. The preview workflow's jq does the same.
 */
export function kubeconfigSecretName(stack: string): string {
    return `KUBECONFIG_${stack.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/**
 * GitHub runs at most 256 jobs per matrix (docs "Using a matrix for your jobs"): a bigger ring is split into parts.
 * The GitHub behaviours the workflow relies on, from its docs ("Workflow syntax", "Contexts", "Expressions"), read but
 * never run here: a job `if` without a status function gets an implicit `success()`, so a failed or skipped need
 * skips it; `!cancelled()` runs it after a failed need; `needs.*.result` lists each need's result; `job.status` in a
 * step is the job's status so far; `secrets[expr]` looks a secret up by a computed name.
 */
export const maxMatrixJobs = 256;

const checkout = { uses: "actions/checkout@v4.2.2" };
const node = { uses: "actions/setup-node@v4.4.0", with: { "node-version": "22", cache: "npm" } };
const install = { run: "npm ci --ignore-scripts" };
const paused = "vars.ROLLOUT_PAUSED != 'true'";

function parts(ring: Ring): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < ring.stacks.length; i += maxMatrixJobs) out.push(ring.stacks.slice(i, i + maxMatrixJobs));
    return out;
}

/**
 * The rollout as a GitHub Actions workflow, generated from the fleet file: per ring, a matrix job over its stacks
 * (`pulumi up`, then `fleet verify` within the ring's deadline, each stack's outcome kept as an artifact), then a soak
 * job that holds the ring to its failure budget and re-verifies its healthy stacks over the soak window. The next
 * ring needs the soak job, so a ring starts only after the previous one completed its soak; a failure beyond the
 * budget fails the soak job and nothing later runs. `vars.ROLLOUT_PAUSED == 'true'` pauses before the next ring, and
 * "Re-run failed jobs" resumes from the first ring not completed (GitHub re-runs the failed jobs and their dependents).
 */
export function rolloutWorkflow(fleet: Fleet): string {
    const jobs: Record<string, unknown> = {};
    let previousSoak: string | undefined;
    for (const [i, ring] of fleet.rings.entries()) {
        const id = `ring-${i + 1}-${ring.name}`;
        const split = parts(ring);
        const upJobs: string[] = [];
        for (const [k, stacks] of split.entries()) {
            const job = split.length > 1 ? `${id}-part-${k + 1}` : id;
            upJobs.push(job);
            jobs[job] = {
                name: `${ring.name}${split.length > 1 ? ` (part ${k + 1})` : ""}: up and verify`,
                ...(previousSoak ? { needs: [previousSoak] } : {}),
                if: paused,
                "runs-on": "ubuntu-24.04",
                "timeout-minutes": Math.ceil(ring.deadlineSeconds / 60) + 15,
                strategy: {
                    "fail-fast": false,
                    // The ring's cap, shared between its parts in proportion.
                    "max-parallel": Math.max(1, Math.floor((ring.maxParallel * stacks.length) / ring.stacks.length)),
                    matrix: { include: stacks.map((stack) => ({ stack, kubeconfigSecret: kubeconfigSecretName(stack) })) },
                },
                env: { KUBECONFIG_DATA: "${{ secrets[matrix.kubeconfigSecret] }}" },
                steps: [
                    checkout, node, install,
                    { name: "Cluster credentials", run: "mkdir -p ~/.kube\nprintf '%s' \"$KUBECONFIG_DATA\" > ~/.kube/config\nchmod 600 ~/.kube/config\n" },
                    { name: "pulumi up", uses: "pulumi/actions@v6.0.0", with: { command: "up", "stack-name": "${{ matrix.stack }}" } },
                    { name: "The cluster took this release", run: `npm run fleet -- verify --stack "\${{ matrix.stack }}" --revision "\${{ github.sha }}" --deadline ${ring.deadlineSeconds}` },
                    { name: "Outcome", if: "always()", run: "mkdir -p outcome && echo \"${{ job.status }}\" > \"outcome/${{ matrix.stack }}\"" },
                    { if: "always()", uses: "actions/upload-artifact@v4.6.2", with: { name: `outcome-${ring.name}-\${{ matrix.stack }}`, path: "outcome/", "retention-days": 7 } },
                ],
            };
        }
        const soak = `soak-${i + 1}-${ring.name}`;
        const env: Record<string, string> = {};
        for (const s of ring.stacks) env[kubeconfigSecretName(s)] = `\${{ secrets.${kubeconfigSecretName(s)} }}`;
        jobs[soak] = {
            name: `${ring.name}: failure budget and soak`,
            needs: upJobs,
            // Runs when a stack failed too: the budget decides, not the matrix's result. Not when the ring never ran
            // (an earlier ring halted, or a pause): then there is nothing to soak, and nothing later runs either.
            if: `\${{ !cancelled() && ${paused} && !contains(needs.*.result, 'skipped') }}`,
            "runs-on": "ubuntu-24.04",
            "timeout-minutes": Math.ceil(ring.soakSeconds / 60) + 15,
            env,
            steps: [
                checkout, node, install,
                { uses: "actions/download-artifact@v4.3.0", with: { pattern: `outcome-${ring.name}-*`, path: "outcome", "merge-multiple": true } },
                {
                    name: `At most ${ring.failureBudget} failed`,
                    run: [
                        `failed=""; for s in ${ring.stacks.join(" ")}; do [ "$(cat "outcome/$s" 2>/dev/null)" = success ] || failed="$failed $s"; done`,
                        `n=$(echo $failed | wc -w)`,
                        `if [ "$n" -gt ${ring.failureBudget} ]; then echo "::error title=ring ${ring.name} halted::$n failed, more than its budget of ${ring.failureBudget}:$failed"; exit 1; fi`,
                    ].join("\n") + "\n",
                },
                {
                    name: `Healthy through the ${ring.soakSeconds} s soak`,
                    run: [
                        "pids=\"\"",
                        // Each stack with its secret's name, from kubeconfigSecretName: one mapping, not a shell copy of it.
                        `for pair in ${ring.stacks.map((st) => `${st}:${kubeconfigSecretName(st)}`).join(" ")}; do`,
                        "  s=\"${pair%%:*}\"; var=\"${pair#*:}\"",
                        "  [ \"$(cat \"outcome/$s\" 2>/dev/null)\" = success ] || continue",
                        "  printf '%s' \"${!var}\" > \"$RUNNER_TEMP/kube-$s\"",
                        `  KUBECONFIG="$RUNNER_TEMP/kube-$s" npm run --silent fleet -- verify --stack "$s" --revision "$GITHUB_SHA" --soak ${ring.soakSeconds} --interval 30 &`,
                        "  pids=\"$pids $!\"",
                        "done",
                        "status=0; for p in $pids; do wait \"$p\" || status=1; done; exit $status",
                    ].join("\n") + "\n",
                },
            ],
        };
        previousSoak = soak;
    }
    const workflow = {
        name: "rollout",
        on: { push: { branches: ["main"] }, workflow_dispatch: {} },
        // One rollout at a time; a newer push waits rather than cancelling a ring halfway.
        concurrency: { group: "rollout", "cancel-in-progress": false },
        permissions: { contents: "read" },
        env: {
            PULUMI_BACKEND_URL: "${{ secrets.PULUMI_BACKEND_URL }}",
            PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
            PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        },
        jobs,
    };
    return `# Generated by \`npm run fleet -- workflow\` from fleet/rings.yaml; do not edit (npm test fails when it is stale).\n${stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
