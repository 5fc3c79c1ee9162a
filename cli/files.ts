import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigProblems } from "../lib/problems";

/** The file that marks a folder as this program's output: only such a folder (or an empty one) is written over. */
export const outputMarker = ".saif-platform-output";

/**
 * `--out <dir>`: a folder (made if missing) in a place this process can write, empty or written by this program
 * before (its marker file); one line otherwise, before any work. A command that clears its output folder must never
 * clear a folder of the user's (a Git checkout named by mistake).
 */
export function checkOutDir(flag: string, dir: string, opts: { clears?: boolean } = {}): void {
    if (existsSync(dir)) {
        if (!statSync(dir).isDirectory()) throw new ConfigProblems([`${flag} ${dir}: is a file; give a folder to write into`]);
        writable(flag, dir);
        const entries = readdirSync(dir);
        // `seal --out` writes its own files into a checkout and clears nothing: any folder will do.
        if (opts.clears !== false && entries.length > 0 && !entries.includes(outputMarker)) {
            throw new ConfigProblems([`${flag} ${dir}: is not empty and was not written by this program (no ${outputMarker}); give a new or empty folder`]);
        }
        return;
    }
    const parent = nearestExisting(dir);
    if (!statSync(parent).isDirectory()) throw new ConfigProblems([`${flag} ${dir}: ${parent} is a file, so no folder can be made below it; give another path`]);
    writable(flag, parent);
}

/** Make the `--out` folder (checked by checkOutDir) and mark it as this program's. */
export function markOutDir(dir: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, outputMarker), "Written by saif-platform (npm run plan/render --out); its commands may clear this folder.\n");
}

/** `--out <file>`: a file in a place this process can write, not a folder. */
export function checkOutFile(flag: string, file: string): void {
    if (existsSync(file)) {
        if (statSync(file).isDirectory()) throw new ConfigProblems([`${flag} ${file}: is a folder; give a file name to write the report to`]);
        writable(flag, file);
        return;
    }
    writable(flag, nearestExisting(path.dirname(file)));
}

function nearestExisting(p: string): string {
    let at = path.resolve(p);
    while (!existsSync(at)) at = path.dirname(at);
    return at;
}

function writable(flag: string, p: string): void {
    try {
        accessSync(p, constants.W_OK);
    } catch {
        throw new ConfigProblems([`${flag} ${p}: cannot write there (permissions); choose another place`]);
    }
}
