import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, parseAllDocuments, stringify } from "yaml";
import { ConfigProblems } from "../lib/problems";
import type { ClusterComponent } from "../stacks/types";

/** A rendered Kubernetes object. */
export interface RenderedObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
    [key: string]: unknown;
}

/** Whether this machine can build Kustomize folders (`kubectl kustomize`, on the machine image). */
export function kustomizeAvailable(): boolean {
    try {
        execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

/**
 * What Argo CD would apply for a component whose source is a Kustomize folder of this repository: the folder built
 * with the Application's patches appended to its kustomization.yaml, as Argo CD's repo-server does
 * (argoproj/argo-cd util/kustomize/kustomize.go `Build`: it reads kustomization.yaml, appends
 * `spec.source.kustomize.patches` to its `patches`, writes it back, then runs `kustomize build`).
 */
export function renderKustomize(repoDir: string, c: ClusterComponent): RenderedObject[] {
    const source = path.join(repoDir, c.source.path);
    const file = ["kustomization.yaml", "kustomization.yml", "Kustomization"].map((f) => path.join(source, f)).find((f) => existsSync(f));
    if (!file) {
        throw new ConfigProblems([`${c.name}: ${c.source.path} has no kustomization.yaml; add one (Argo CD would apply the folder's files as they are)`]);
    }
    const tmp = mkdtempSync(path.join(tmpdir(), `render-${c.name}-`));
    try {
        const copy = path.join(tmp, "app");
        cpSync(source, copy, { recursive: true });
        if (c.source.kustomizePatches && c.source.kustomizePatches.length > 0) {
            const target = path.join(copy, path.basename(file));
            const kustomization = (parseYaml(readFileSync(target, "utf8")) ?? {}) as Record<string, unknown>;
            const existing = Array.isArray(kustomization.patches) ? kustomization.patches as unknown[] : [];
            kustomization.patches = [...existing, ...c.source.kustomizePatches.map((p) => ({ ...p }))];
            writeFileSync(target, stringify(kustomization));
        }
        let out: string;
        try {
            out = execFileSync("kubectl", ["kustomize", copy], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (e) {
            const stderr = (e as { stderr?: string }).stderr ?? String(e);
            throw new ConfigProblems([`${c.name}: kustomize build of ${c.source.path} failed: ${stderr.trim().split("\n").pop()}`]);
        }
        return parseAllDocuments(out).map((d) => d.toJS() as RenderedObject).filter((o) => o && typeof o === "object");
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}
