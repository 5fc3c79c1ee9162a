import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { checkKeyPair, checkSealingCert } from "../lib/certs";
import { checkOutDir } from "./files";
import { ConfigProblems } from "../lib/problems";
import { sealerFor } from "../lib/seal";
import { SealedFile, sealedSecretFile } from "../lib/sealedFiles";
import { parseClusterConfig } from "../stacks/parse";
import { project } from "../stacks/types";
import { loadStack, checkInputFile } from "./stackFile";

export interface SealFlags {
    stack?: string;
    config?: string;
    values?: string;
    cert?: string;
    out?: string;
}

export interface SealResult {
    readonly files: readonly (SealedFile & { readonly status: "written" | "unchanged" })[];
    readonly deterministic: boolean;
}

/**
 * Seal the secrets a stack's enabled components need, from a --values file, with the fleet certificate: the same
 * SealedSecrets `pulumi up` commits (secretDelivery.commitSealed), written into a folder instead.
 */
export function sealStack(dir: string, flags: SealFlags, now = new Date()): SealResult {
    const problems: string[] = [];
    for (const flag of ["stack", "values", "cert", "out"] as const) {
        if (!flags[flag]) problems.push(`--${flag}: is required; usage: npm run seal -- --stack <name> --values <file> --cert <pem> --out <dir>`);
    }
    if (problems.length > 0) throw new ConfigProblems(problems);
    if (!existsSync(flags.cert!)) throw new ConfigProblems([`--cert ${flags.cert}: no such file; fetch it with kubeseal --fetch-cert, or read the stack output sealingCert`]);
    checkInputFile("--cert", flags.cert!);
    checkOutDir("--out", flags.out!, { clears: false });
    const certPem = readFileSync(flags.cert!, "utf8");
    const certProblem = checkSealingCert(certPem, now);
    if (certProblem) throw new ConfigProblems([`--cert ${flags.cert}: ${certProblem}`]);

    const input = loadStack(dir, flags.stack!, flags.config, flags.values);
    const config = parseClusterConfig(input);
    const value = (key: string) => (input.standIns.has(`${project}:${key}`) ? undefined : input.values[`${project}:${key}`] as string | undefined);
    for (const s of config.secrets.filter((x) => !x.id)) {
        if (value(s.key) === undefined) {
            const users = s.neededBy.filter((n) => config.components.some((c) => c.name === n));
            problems.push(`--values ${flags.values}: ${project}:${s.key} is missing, but ${users.map((n) => JSON.stringify(n)).join(" and ")} ` +
                `need${users.length > 1 ? "" : "s"} it; add it, or turn the component off`);
        }
    }
    // With the fleet private key in --values, sealing is deterministic: unchanged values give identical files.
    const fleetKey = value("sealingKey");
    if (fleetKey !== undefined) {
        const mismatch = checkKeyPair(fleetKey, certPem, now);
        if (mismatch) problems.push(`--values ${flags.values}: ${project}:sealingKey does not go with --cert ${flags.cert}: ${mismatch}`);
    }
    if (problems.length > 0) throw new ConfigProblems(problems);

    const sealer = sealerFor(certPem, fleetKey);
    const files = config.secrets.map((s) => {
        const file = sealedSecretFile(s, value(s.key)!, sealer);
        const target = path.join(flags.out!, file.path);
        const unchanged = existsSync(target) && readFileSync(target, "utf8") === file.yaml;
        if (!unchanged) {
            mkdirSync(path.dirname(target), { recursive: true });
            writeFileSync(target, file.yaml);
        }
        return { ...file, status: unchanged ? "unchanged" as const : "written" as const };
    });
    return { files, deterministic: sealer.deterministicKey !== undefined };
}

export function sealCommand(flags: SealFlags): number {
    const result = sealStack(process.cwd(), flags);
    for (const f of result.files) console.log(`${f.status === "written" ? "wrote    " : "unchanged"} ${path.join(flags.out!, f.path)}`);
    console.log(`${result.files.length} SealedSecrets for ${flags.stack}` + (result.deterministic
        ? " (deterministic under the fleet key: unchanged values keep their bytes)"
        : ` (fresh randomness: add ${project}:sealingKey to --values to keep unchanged values byte-identical)`));
    return 0;
}
