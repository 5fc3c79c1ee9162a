import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as jsYaml from "js-yaml";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { closestName } from "../lib/graph";
import { stackNames } from "../policy/context";
import { ConfigProblems } from "../lib/problems";
import { secretConfigKeys } from "../stacks/parse";
import { project, qualified } from "../stacks/types";

/** A stack's config as `pulumi` would hand it to the program, for running offline. */
export interface StackInput {
    /** The other stacks beside it. */
    readonly otherStacks?: readonly string[];
    readonly stack: string;
    /** Values by full key; structured values decoded. Secret values are real ones from --values, or stand-ins. */
    readonly values: Record<string, unknown>;
    readonly secretKeys: Set<string>;
    readonly standIns: Set<string>;
}

// One listing of the stack files for the CLI and the policy pack (which cannot load the CLI's modules cheaply).
export { stackNames };

/**
 * A stand-in for a secret value that was not given: unique to the stack and key so a leak in any output names
 * itself, and never a real credential.
 */
export function standIn(stack: string, key: string): string {
    return `standin-${key}-${createHash("sha256").update(`${stack}/${key}`).digest("hex").slice(0, 12)}`;
}

/** The defaults that Pulumi.yaml declares, by full key. */
export function projectDefaults(dir: string): Record<string, unknown> {
    const file = readYaml(path.join(dir, "Pulumi.yaml"), "the project file") as { config?: Record<string, { default?: unknown }> };
    return Object.fromEntries(Object.entries(file.config ?? {})
        .filter(([, decl]) => decl && typeof decl === "object" && decl.default !== undefined)
        .map(([key, decl]) => [qualified(key), decl.default]));
}

/** A file the user named must be a readable file: one line otherwise, before anything runs. */
export function checkInputFile(flag: string, file: string): void {
    if (!existsSync(file)) throw new ConfigProblems([`${flag} ${file}: no such file`]);
    if (statSync(file).isDirectory()) throw new ConfigProblems([`${flag} ${file}: is a folder; give a file`]);
}

/**
 * Parse a YAML file; a syntax error is one line naming the file and the place, and every duplicate key is one line
 * naming the key's path and line (the yaml package's own check names only the place, and costs quadratic time in
 * a map's size: keys are collected here in one pass instead).
 */
export function readYaml(file: string, what: string): unknown {
    const text = readFileSync(file, "utf8");
    // js-yaml first: several times faster on a large file (a 10,000-component stack file: ~0.4 s against ~1.4 s),
    // with YAML 1.2's core schema as the yaml package and the Pulumi CLI read it (no timestamps, "yes" a string).
    // It also refuses a duplicate key, but names only its place: then the slower pass below names the key.
    try {
        return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file }) ?? {};
    } catch (e) {
        if (!(e instanceof jsYaml.YAMLException)) throw e;
        if (e.reason !== "duplicated mapping key") {
            // A quote left open is reported where the file ends; name the line where it opens instead.
            const quote = /within a (double|single) quoted scalar/.exec(e.reason ?? "")?.[1];
            const opened = quote ? unclosedQuoteLine(text, quote === "double" ? "\"" : "'") : undefined;
            if (opened) throw new ConfigProblems([`${file}: line ${opened.line}, column ${opened.column}: this ${quote}-quoted value is never closed; close the quote`]);
            const at = e.mark ? ` line ${e.mark.line + 1}, column ${e.mark.column + 1}` : "";
            throw new ConfigProblems([`${file}:${at}: ${e.reason}; fix the YAML of ${what}`]);
        }
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
    const first = doc.errors[0];
    if (first) {
        const at = first.linePos?.[0] ? ` line ${first.linePos[0].line}, column ${first.linePos[0].col}` : "";
        throw new ConfigProblems([`${file}:${at}: ${first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}; fix the YAML of ${what}`]);
    }
    const duplicates: string[] = [];
    const walk = (node: unknown, at: string) => {
        if (isMap(node)) {
            const seen = new Set<string>();
            for (const item of node.items) {
                const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
                const here = at ? `${at}.${key}` : key;
                if (seen.has(key)) {
                    const line = isScalar(item.key) && item.key.range ? lines.linePos(item.key.range[0]).line : undefined;
                    duplicates.push(`${file}:${line ? ` line ${line}:` : ""} ${here} is set twice; keep one (YAML keeps only the last, silently)`);
                }
                seen.add(key);
                walk(item.value, here);
            }
        } else if (isSeq(node)) {
            node.items.forEach((item, i) => walk(item, `${at}[${i}]`));
        }
    };
    walk(doc.contents, "");
    if (duplicates.length > 0) throw new ConfigProblems(duplicates);
    return doc.toJS() ?? {};
}

/**
 * Where the quote that is never closed opens: quotes toggled through the text (a backslash escapes `"`, a doubled
 * `''` is one `'` inside single quotes, a `#` outside quotes starts a comment).
 */
export function unclosedQuoteLine(text: string, quote: "\"" | "'"): { line: number; column: number } | undefined {
    let open: { line: number; column: number } | undefined;
    text.split("\n").forEach((lineText, i) => {
        for (let c = 0; c < lineText.length; c++) {
            const ch = lineText[c];
            if (!open && ch === "#" && (c === 0 || /\s/.test(lineText[c - 1]))) break;
            if (ch !== quote) continue;
            if (open && quote === "\"" && lineText[c - 1] === "\\") continue;
            if (open && quote === "'" && lineText[c + 1] === "'") {
                c++;
                continue;
            }
            open = open ? undefined : { line: i + 1, column: c + 1 };
        }
    });
    return open;
}

/** Read `Pulumi.<stack>.yaml` (or --config) and a --values file into what the program would receive. */
export function loadStack(dir: string, stack: string, configFile?: string, valuesFile?: string): StackInput {
    const file = configFile ?? path.join(dir, `Pulumi.${stack}.yaml`);
    if (configFile) checkInputFile("--config", configFile);
    else if (!existsSync(file)) {
        throw new ConfigProblems([`--stack ${stack}: no ${path.relative(process.cwd(), file) || file}; stacks here: ${stackNames(dir).join(", ")}`]);
    }
    if (valuesFile) checkInputFile("--values", valuesFile);
    const doc = readYaml(file, "a stack file");
    const declared = projectDefaults(dir);
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new ConfigProblems([`${file}: expected a mapping with a config: section`]);
    if (Object.keys(doc).length === 0) {
        throw new ConfigProblems([`${file}: is empty; a stack file holds a config: section with the cluster's keys (copy Pulumi.ai-pod-1.yaml to start)`]);
    }
    // A stack file's sections (pulumi/pulumi sdk/go/common/workspace ProjectStack): anything else is ignored by the
    // CLI, so a misspelt "confg:" would silently drop the whole config.
    const sections = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];
    const unknown = Object.keys(doc).filter((k) => !sections.includes(k));
    if (unknown.length > 0) {
        throw new ConfigProblems(unknown.map((k) => {
            const near = closestName(k, sections);
            return `${file}: ${k}: is not a section of a stack file; ${near ? `did you mean ${near}:?` : `the sections are ${sections.join(", ")}`}`;
        }));
    }
    const rawConfig = (doc as { config?: unknown }).config;
    if (rawConfig !== undefined && rawConfig !== null && (typeof rawConfig !== "object" || Array.isArray(rawConfig))) {
        throw new ConfigProblems([`${file}: config: is ${Array.isArray(rawConfig) ? "a list" : `the ${typeof rawConfig} ${JSON.stringify(rawConfig)}`}, not a mapping; ` +
            "write one key per line under it, e.g. saif-platform:cluster: ai-pod-1"]);
    }
    const config = (rawConfig ?? {}) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    const standIns = new Set<string>();
    for (const [k, v] of Object.entries(config)) {
        const key = qualified(k);
        if (v && typeof v === "object" && "secure" in v) {
            // Ciphertext needs the stack's secrets provider: offline, use the --values value or a stand-in.
            secretKeys.add(key);
            values[key] = standIn(stack, key.slice(key.indexOf(":") + 1));
            standIns.add(key);
        } else {
            values[key] = v;
        }
    }
    // As the CLI does: a declared key the stack does not set takes its default from Pulumi.yaml.
    for (const [key, value] of Object.entries(declared)) if (values[key] === undefined) values[key] = value;
    if (valuesFile) {
        const given = readYaml(valuesFile, "a values file");
        if (typeof given !== "object" || Array.isArray(given)) {
            throw new ConfigProblems([`--values ${valuesFile}: expected a mapping of secret keys (${project}:ngcApiKey) to values`]);
        }
        const problems: string[] = [];
        for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
            const key = qualified(k);
            const bare = key.slice(key.indexOf(":") + 1);
            if (!key.startsWith(`${project}:`) || !secretConfigKeys.includes(bare)) {
                problems.push(`--values ${valuesFile}: ${k} is not a secret config key; secret keys are ${secretConfigKeys.map((s) => `${project}:${s}`).join(", ")}`);
                continue;
            }
            if (typeof v !== "string") {
                problems.push(`--values ${valuesFile}: ${k} must be a string`);
                continue;
            }
            const problem = secretValueProblem(bare, v);
            if (problem) {
                problems.push(`--values ${valuesFile}: ${k} ${problem}`);
                continue;
            }
            values[key] = v;
            secretKeys.add(key);
            standIns.delete(key);
        }
        if (problems.length > 0) throw new ConfigProblems(problems);
    }
    // A stand-in only for what the stack holds encrypted (`secure:`, above): a secret the stack does not hold is
    // missing for `pulumi up` too, and the config check names it with the command that sets it.
    return { stack, values, secretKeys, standIns, otherStacks: existsSync(dir) ? stackNames(dir).filter((s) => s !== stack) : [] };
}

/** What is wrong with a secret's value, as `--values` or `seal` takes it. */
export function secretValueProblem(bare: string, value: string): string | undefined {
    if (value.trim() === "") return "is empty; give the secret's value";
    if (bare === "registryPullSecret") {
        // A kubernetes.io/dockerconfigjson Secret's .dockerconfigjson: {"auths": {"<registry>": {...}}}.
        let doc: unknown;
        try {
            doc = JSON.parse(value);
        } catch {
            return "is not a .dockerconfigjson document (JSON with auths); give the file oc registry login or podman login writes";
        }
        const auths = (doc as { auths?: unknown } | null)?.auths;
        if (!auths || typeof auths !== "object" || Array.isArray(auths) || Object.keys(auths).length === 0) {
            return "is not a .dockerconfigjson document: it has no auths mapping of registries";
        }
    }
    return undefined;
}
