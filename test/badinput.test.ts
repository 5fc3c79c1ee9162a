import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { diffCommand } from "../cli/diff";
import { planCommand } from "../cli/plan";
import { kustomizeError, renderCommand, renderStack } from "../cli/render";
import { sealCommand } from "../cli/seal";
import { loadStack, unclosedQuoteLine } from "../cli/stackFile";
import { ConfigProblems } from "../lib/problems";
import { parseClusterConfig } from "../stacks/parse";
import { fixtureStack, minimalRaw, root, problemLines } from "./helpers";

/** Every bad input a new user tried (issue 14), one per kind, each with the one line it must give. */
const tmp = mkdtempSync(path.join(tmpdir(), "bad-"));

const lines = problemLines;

/** Plan a stack file of this content, written into tmp: its lines, with tmp shown as <tmp>. */
const planStackFile = (name: string, content: string) => {
    writeFileSync(path.join(tmp, name), content);
    return linesAsync(() => planCommand({ stack: "ai-pod-1", config: path.join(tmp, name) })).then((l) => l.map((x) => x.replace(tmp, "<tmp>")));
};
async function linesAsync(run: () => Promise<unknown>): Promise<string[]> {
    try {
        await run();
    } catch (e) {
        if (e instanceof ConfigProblems) return [...e.lines];
        throw e;
    }
    return [];
}

/** A stack file in a folder of its own (with the project file), from the ai-pod-1 fixture with edits. */
function stackDir(name: string, edit: (doc: Record<string, unknown>) => void, text?: string): string {
    const dir = path.join(tmp, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "Pulumi.yaml"), readFileSync(path.join(root, "Pulumi.yaml")));
    const doc = parseYaml(readFileSync(fixtureStack("ai-pod-1"), "utf8")) as Record<string, unknown>;
    edit(doc);
    writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text ?? stringify(doc));
    return dir;
}
const config = (doc: Record<string, unknown>) => doc.config as Record<string, unknown>;
const fromDir = (dir: string, stack: string) => lines(() => parseClusterConfig(loadStack(dir, stack)));
const raw = (edit: Record<string, unknown>, secrets: string[] = []) => lines(() => parseClusterConfig(minimalRaw(edit, secrets)));

const P = "saif-platform";
const cases: [string, () => string[] | Promise<string[]>, string[]][] = [
    // 2. nothing the user wrote is silently ignored
    ["a key in another namespace", () => raw({ [`::saif:components`]: undefined }).concat(lines(() => parseClusterConfig({ ...minimalRaw(), values: { ...minimalRaw().values, "saif:components": {} } }))),
        ['saif:components: the program reads only saif-platform:<key>, so this is ignored; did you mean "saif-platform:components"?']],
    ["a misspelt project prefix", () => lines(() => parseClusterConfig({ ...minimalRaw(), values: { ...minimalRaw().values, "saif-platfrom:gpu": true } })),
        ['saif-platfrom:gpu: the program reads only saif-platform:<key>, so this is ignored; did you mean "saif-platform:gpu"?']],
    ["a misspelt top-level section", () => fromDir(stackDir("ai-pod-1", (d) => { d.confg = d.config; delete d.config; }), "ai-pod-1").map((l) => l.replace(tmp, "<tmp>")),
        ["<tmp>/ai-pod-1/Pulumi.ai-pod-1.yaml: confg: is not a section of a stack file; did you mean config:?"]],
    ["a duplicate key, named", () => fromDir(stackDir("dup", () => undefined, "config:\n  saif-platform:cluster: dup\n  saif-platform:components:\n    nim-llm:\n      enabled: true\n      enabled: false\n"), "dup").map((l) => l.replace(tmp, "<tmp>")),
        ["<tmp>/dup/Pulumi.dup.yaml: line 6: config.saif-platform:components.nim-llm.enabled is set twice; keep one (YAML keeps only the last, silently)"]],
    ["helm and kustomize on one component", () => raw({ extraComponents: { chat: { tier: 2, path: "apps/chat", helm: { values: {} }, kustomize: { patches: [{ patch: "[]" }] } } } }),
        [`${P}:extraComponents.chat: both helm and kustomize; Argo CD renders a source one way, keep the one its path is`]],
    ["Kustomize patches on a Helm component", () => raw({ components: { "splunk-otel": { kustomize: { patches: [{ patch: "[]" }] } } } }),
        [`${P}:components.splunk-otel.kustomize: "splunk-otel" is a Helm chart (apps/splunk-otel/Chart.yaml); set its values under ${P}:components.splunk-otel.helm.values instead`]],
    ["a repeated key generation", () => raw({ sealedSecrets: { keySource: "stack", rotation: ["fleet-key", "fleet-key-2", "fleet-key"] } }),
        [`${P}:sealedSecrets.rotation[2]: "fleet-key" is named twice; each generation is one key, list it once`]],
    ["a stack file holding another cluster's name", () => fromDir(stackDir("ai-pod-4", () => undefined), "ai-pod-4"),
        [`${P}:cluster: "ai-pod-1" in the stack "ai-pod-4": this stack would touch cluster ai-pod-1; set cluster: ai-pod-4, or name the stack (and its file) ai-pod-1`]],
    ["a stack file holding another stack's context", () => {
        const dir = stackDir("ai-pod-5", (d) => { config(d)[`${P}:cluster`] = "ai-pod-5"; });
        writeFileSync(path.join(dir, "Pulumi.ai-pod-1.yaml"), readFileSync(fixtureStack("ai-pod-1")));
        return fromDir(dir, "ai-pod-5");
    }, [`${P}:kubernetes.context: "ai-pod-1" is the context of the stack "ai-pod-1": this stack would touch that cluster; set the context of ai-pod-5`]],
    // 3. what Kubernetes or Argo CD would reject
    ["a 64-character cluster name", () => raw({ cluster: "a".repeat(64) }),
        [`${P}:cluster: "${"a".repeat(64)}" is 64 characters; Kubernetes names and label values allow 63`]],
    ["a revision with a space", () => raw({ components: { "nim-llm": { targetRevision: "release 2" } } }),
        [`${P}:components.nim-llm.targetRevision: "release 2" must not contain white space`]],
    ["a Kustomize patch that is not YAML", () => raw({ components: { "nim-llm": { kustomize: { patches: [{ patch: "- op: [replace" }] } } } }),
        [`${P}:components.nim-llm.kustomize.patches[0].patch is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 15`]],
    ["a JSON-patch op that does not exist", () => raw({ components: { "nim-llm": { kustomize: { patches: [{ patch: "- op: frobnicate\n  path: /spec\n" }] } } } }),
        [`${P}:components.nim-llm.kustomize.patches[0].patch[0]: op is not one of add, remove, replace, move, copy, test`]],
    ["a path that is not a JSON pointer", () => raw({ components: { "nim-llm": { kustomize: { patches: [{ patch: "- op: remove\n  path: spec.replicas\n" }] } } } }),
        [`${P}:components.nim-llm.kustomize.patches[0].patch[0]: path is not a JSON pointer (it starts with /)`]],
    ["a patch with neither patch nor path", () => raw({ components: { "nim-llm": { kustomize: { patches: [{ target: { kind: "NIMService" } }] } } } }),
        [`${P}:components.nim-llm.kustomize.patches[0]: has neither patch nor path; give the patch inline (patch) or a file next to kustomization.yaml (path)`]],
    ["an ACME server that is not https", () => raw({ certManager: { enabled: true, issuer: "acme", acmeEmail: "ops@example.com", acmeServer: "http://acme.example.com/directory" } }),
        [`${P}:certManager.acmeServer: "http://acme.example.com/directory" is not an https URL; cert-manager talks to an ACME directory over https`]],
    ["an estimate out of bounds", () => raw({ extraComponents: { chat: { tier: 2, path: "apps/chat", estimateSeconds: 10_000_000 } } }),
        [`${P}:extraComponents.chat.estimateSeconds: 10000000 is above the maximum of 86400`]],
    ["a timeout out of bounds", () => raw({ components: { "nim-llm": { healthTimeoutSeconds: 5 } } }),
        [`${P}:components.nim-llm.healthTimeoutSeconds: 5 is below the minimum of 30`]],
    // 4. the offline plan reports what pulumi up would
    ["GitHub delivery without githubToken", () => raw({ gitops: { repoUrl: "https://github.com/x/y.git", github: { owner: "x", repository: "y" } }, secretDelivery: { githubEnvironment: true },
        ngcApiKey: "a", splunkHecToken: "c", timescapePushApiPassword: "d", intersightApiKey: "e", intersightKeyId: "k", registryPullSecret: '{"auths":{"mirror.lab":{"auth":"dXNlcjpwYXNz"}}}' },
    ["ngcApiKey", "splunkHecToken", "timescapePushApiPassword", "intersightApiKey", "intersightKeyId", "registryPullSecret"]),
        [`${P}:githubToken: commitSealed and githubEnvironment write to GitHub; run: pulumi config set --secret githubToken <token>`]],
    ["keySource config without the key", () => raw({ sealedSecrets: { keySource: "config" } }),
        [`${P}:sealingKey: is not set, but sealedSecrets.keySource is "config"; run: pulumi config set --secret sealingKey "$(cat <pem file>)", or use keySource: stack with the fleet stack`,
            `${P}:sealingCert: is not set, but sealedSecrets.keySource is "config"; run: pulumi config set --secret sealingCert "$(cat <pem file>)", or use keySource: stack with the fleet stack`]],
    ["an empty secret in --values", () => {
        writeFileSync(path.join(tmp, "empty.yaml"), stringify({ [`${P}:ngcApiKey`]: " " }));
        return lines(() => loadStack(root, "ai-pod-1", fixtureStack("ai-pod-1"), path.join(tmp, "empty.yaml"))).map((l) => l.replace(tmp, "<tmp>"));
    }, [`--values <tmp>/empty.yaml: ${P}:ngcApiKey is empty; give the secret's value`]],
    ["a registryPullSecret that is not a .dockerconfigjson", () => {
        writeFileSync(path.join(tmp, "pull.yaml"), stringify({ [`${P}:registryPullSecret`]: '{"registry": "x"}' }));
        return lines(() => loadStack(root, "ai-pod-1", fixtureStack("ai-pod-1"), path.join(tmp, "pull.yaml"))).map((l) => l.replace(tmp, "<tmp>"));
    }, [`--values <tmp>/pull.yaml: ${P}:registryPullSecret is not a .dockerconfigjson document: it has no auths mapping of registries`]],
    // 5. every problem at once
    ["two cycles", () => raw({ components: { "platform-idms": { dependsOn: ["sealed-secrets"] }, "splunk-otel": { dependsOn: ["splunk-reporter"] } } }),
        [`${P}:components.platform-idms.dependsOn[0]: dependency cycle sealed-secrets-controller -> platform-idms -> sealed-secrets -> sealed-secrets-controller; remove one of these dependencies`,
            `${P}:components.splunk-otel.dependsOn[0]: dependency cycle splunk-otel -> splunk-reporter -> splunk-otel; remove one of these dependencies`]],
    ["a malformed repoUrl hides no missing gitops.github", () => raw({ gitops: { repoUrl: "not a url", access: "deployKey" }, githubToken: "t" }, ["githubToken"]),
        [`${P}:gitops.repoUrl: "not a url" is not a repository URL; use https://host/org/repo.git or git@host:org/repo.git`,
            `${P}:gitops.github: deploy keys are registered on GitHub; set github.owner and github.repository`]],
    // 6. no stack trace from the file system
    ["--out on an existing file", () => {
        writeFileSync(path.join(tmp, "a-file"), "x");
        return linesAsync(() => planCommand({ stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), out: path.join(tmp, "a-file") })).then((l) => l.map((x) => x.replace(tmp, "<tmp>")));
    }, ["--out <tmp>/a-file: is a file; give a folder to write into"]],
    ["--out below a file", () => {
        writeFileSync(path.join(tmp, "b-file"), "x");
        return linesAsync(() => planCommand({ stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), out: path.join(tmp, "b-file", "out") })).then((l) => l.map((x) => x.replaceAll(tmp, "<tmp>")));
    }, ["--out <tmp>/b-file/out: <tmp>/b-file is a file, so no folder can be made below it; give another path"]],
    ["plan --out on a folder of the user's (a checkout)", () => {
        mkdirSync(path.join(tmp, "checkout", "apps"), { recursive: true });
        writeFileSync(path.join(tmp, "checkout", "README.md"), "mine");
        return linesAsync(() => planCommand({ stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), out: path.join(tmp, "checkout") })).then((l) => l.map((x) => x.replace(tmp, "<tmp>")));
    }, ["--out <tmp>/checkout: is not empty and was not written by this program (no .saif-platform-output); give a new or empty folder"]],
    ["render --out on a folder of the user's (a checkout), which it leaves as it was", () => {
        mkdirSync(path.join(tmp, "checkout2"), { recursive: true });
        writeFileSync(path.join(tmp, "checkout2", "Pulumi.yaml"), "mine");
        const got = lines(() => renderCommand({ stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), out: path.join(tmp, "checkout2") })).map((x) => x.replace(tmp, "<tmp>"));
        return readdirSync(path.join(tmp, "checkout2")).join(",") === "Pulumi.yaml" ? got : ["the folder was touched"];
    }, ["--out <tmp>/checkout2: is not empty and was not written by this program (no .saif-platform-output); give a new or empty folder"]],
    ["an empty stack file", () => planStackFile("empty.yaml", ""), ["<tmp>/empty.yaml: is empty; a stack file holds a config: section with the cluster's keys (copy Pulumi.ai-pod-1.yaml to start)"]],
    ["a config: that is a list", () => planStackFile("list.yaml", "config:\n  - a\n  - b\n"), ["<tmp>/list.yaml: config: is a list, not a mapping; write one key per line under it, e.g. saif-platform:cluster: ai-pod-1"]],
    ["a config: that is a scalar", () => planStackFile("scalar.yaml", "config: 3\n"), ["<tmp>/scalar.yaml: config: is the number 3, not a mapping; write one key per line under it, e.g. saif-platform:cluster: ai-pod-1"]],
    ["an unclosed quote, named where it opens", () => planStackFile("quote.yaml", "config:\n  saif-platform:cluster: \"ai-pod-1\n  saif-platform:gpu: true\n  saif-platform:kubernetes:\n    context: x\n"), ["<tmp>/quote.yaml: line 2, column 26: this double-quoted value is never closed; close the quote"]],
    ["an extra component whose path is not in this repository", () =>
        lines(() => renderStack(root, parseClusterConfig(minimalRaw({ gpu: false, extraComponents: { chat: { tier: 4, path: "apps/chat-typo", namespace: "chat" } } })))),
    ["apps/chat-typo: chat: no such folder in this repository at this checkout (saif-platform:extraComponents.chat.path); fix the path, or commit the folder before planning"]],
    ["--config on a folder", () => linesAsync(() => planCommand({ stack: "ai-pod-1", config: tmp })).then((l) => l.map((x) => x.replace(tmp, "<tmp>"))),
        ["--config <tmp>: is a folder; give a file"]],
    ["--values on a missing file", () => linesAsync(() => planCommand({ stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), values: path.join(tmp, "nope.yaml") })).then((l) => l.map((x) => x.replace(tmp, "<tmp>"))),
        ["--values <tmp>/nope.yaml: no such file"]],
    ["--cert on a folder", () => lines(() => sealCommand({ stack: "ai-pod-1", config: fixtureStack("ai-pod-1"), values: path.join(tmp, "empty.yaml"), cert: tmp, out: path.join(tmp, "o") })).map((l) => l.replace(tmp, "<tmp>")),
        ["--cert <tmp>: is a folder; give a file"]],
    ["plan:diff --out on a folder", () => linesAsync(() => diffCommand({ stack: "ai-pod-1", base: "HEAD", out: tmp })).then((l) => l.map((x) => x.replace(tmp, "<tmp>"))),
        ["--out <tmp>: is a folder; give a file name to write the report to"]],
    // 7. the command line as users script it
    ["plan:diff --stack with --all-stacks", () => linesAsync(() => diffCommand({ stack: "ai-pod-1", "all-stacks": true, base: "HEAD" })),
        ["--stack: and --all-stacks together; give one stack, or all of them"]],
    ["plan:diff --stack that does not exist", () => linesAsync(() => diffCommand({ stack: "ai-pod-9", base: "HEAD" })).then((l) => l.map((x) => x.replace(/stacks here: .*$/, "stacks here: ..."))),
        ["--stack ai-pod-9: no Pulumi.ai-pod-9.yaml here nor at HEAD; stacks here: ..."]],
];

describe("bad input, as a new user tries it: one line each, naming the key or flag, no stack trace", () => {
    // Nothing is left in the system's temporary folder.
    after(() => rmSync(tmp, { recursive: true, force: true }));
    it(`holds ${cases.length} cases`, () => {
        assert.ok(cases.length >= 30);
    });
    for (const [title, run, expected] of cases) {
        it(`rejects: ${title}`, async () => {
            const got = await run();
            assert.deepEqual(got, expected);
            for (const l of got) assert.ok(!l.includes("\n") && !/\bat .*\.[jt]s:\d+/.test(l), "one line, no stack trace");
        });
    }
});

describe("where an unclosed quote opens (pure)", () => {
    it("follows escapes, doubled single quotes and comments", () => {
        assert.deepEqual(unclosedQuoteLine('a: "x\\"y"\nb: "open\nc: 1\n', "\""), { line: 2, column: 4 });
        assert.deepEqual(unclosedQuoteLine("a: 'it''s'\nb: 'open\n", "'"), { line: 2, column: 4 });
        assert.equal(unclosedQuoteLine('a: 1 # a " in a comment\nb: "closed"\n', "\""), undefined);
        assert.equal(unclosedQuoteLine('a: "one"\n', "\""), undefined);
    });
});

describe("kustomize's errors name the file (pure)", () => {
    const c = { name: "nim-cache", source: { path: "apps/nim-cache" } };
    it("a YAML slip in a resource: file, line and what is wrong; anything else without kubectl's log prefix", () => {
        assert.equal(kustomizeError("apps/nim-cache/kustomization.yaml", c,
            'E1206 06:06:00.570420   14058 run.go:72] "command failed" err="accumulating resources: accumulating resources from \'bad.yaml\': MalformedYAMLError: yaml: line 1: did not find expected \',\' or \']\' in File: bad.yaml"\n'),
        "apps/nim-cache/bad.yaml:1: nim-cache: not valid YAML: did not find expected ',' or ']'");
        assert.equal(kustomizeError("apps/nim-cache/kustomization.yaml", c, 'E1206 06:06:00.570420   14058 run.go:72] "command failed" err="missing resource x.yaml"'),
            "apps/nim-cache/kustomization.yaml: nim-cache: kustomize build failed: missing resource x.yaml");
    });
});
