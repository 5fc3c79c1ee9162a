import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigProblems } from "../lib/problems";
import { secretConfigKeys } from "../stacks/parse";
import { project, qualified } from "../stacks/types";

/** A stack's config as `pulumi` would hand it to the program, for running offline. */
export interface StackInput {
    readonly stack: string;
    /** Values by full key; structured values decoded. Secret values are real ones from --values, or stand-ins. */
    readonly values: Record<string, unknown>;
    readonly secretKeys: Set<string>;
    readonly standIns: Set<string>;
}

export function stackNames(dir: string): string[] {
    return readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

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

/** Parse a YAML file; a syntax error is one line naming the file and the place. */
function readYaml(file: string, what: string): unknown {
    try {
        return parseYaml(readFileSync(file, "utf8")) ?? {};
    } catch (e) {
        if (e instanceof YAMLParseError) {
            const at = e.linePos?.[0] ? ` line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "";
            throw new ConfigProblems([`${file}:${at}: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}; fix the YAML of ${what}`]);
        }
        throw e;
    }
}

/** Read `Pulumi.<stack>.yaml` (or --config) and a --values file into what the program would receive. */
export function loadStack(dir: string, stack: string, configFile?: string, valuesFile?: string): StackInput {
    const file = configFile ?? path.join(dir, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) {
        throw new ConfigProblems([`--stack ${stack}: no ${path.relative(process.cwd(), file) || file}; stacks here: ${stackNames(dir).join(", ")}`]);
    }
    const doc = readYaml(file, "a stack file");
    const declared = projectDefaults(dir);
    if (typeof doc !== "object" || Array.isArray(doc)) throw new ConfigProblems([`${file}: expected a mapping with a config: section`]);
    const config = (doc as { config?: Record<string, unknown> }).config ?? {};
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
        if (!existsSync(valuesFile)) throw new ConfigProblems([`--values ${valuesFile}: no such file`]);
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
            values[key] = v;
            secretKeys.add(key);
            standIns.delete(key);
        }
        if (problems.length > 0) throw new ConfigProblems(problems);
    }
    // Offline, every secret not given is a stand-in, so the program runs as if `pulumi config set --secret` had been done.
    for (const bare of secretConfigKeys) {
        const key = `${project}:${bare}`;
        if (values[key] !== undefined || !needsStandIn(bare, values)) continue;
        values[key] = standIn(stack, bare);
        secretKeys.add(key);
        standIns.add(key);
    }
    return { stack, values, secretKeys, standIns };
}

/** Bootstrap secrets that the config does not call for stay unset, so their absence is what the program sees. */
function needsStandIn(bare: string, values: Record<string, unknown>): boolean {
    const obj = (k: string) => (values[`${project}:${k}`] ?? {}) as Record<string, unknown>;
    switch (bare) {
        case "kubeconfig": return !obj("kubernetes").context;
        case "githubToken": return obj("gitops").access === "deployKey" || !!obj("secretDelivery").commitSealed || !!obj("secretDelivery").githubEnvironment;
        case "repoToken": return obj("gitops").access === "token";
        case "sealingKey":
        case "sealingCert": return obj("sealedSecrets").keySource === "config";
        default: return true;
    }
}
