import { accessSync, constants, existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { ConfigProblems } from "../lib/problems";

/** `--out <dir>`: a folder (made if missing) in a place this process can write; one line otherwise, before any work. */
export function checkOutDir(flag: string, dir: string): void {
    if (existsSync(dir)) {
        if (!statSync(dir).isDirectory()) throw new ConfigProblems([`${flag} ${dir}: is a file; give a folder to write into`]);
        writable(flag, dir);
        return;
    }
    writable(flag, nearestExisting(dir));
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
