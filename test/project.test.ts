import Ajv2020 from "ajv/dist/2020";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { platformSecrets } from "../components/catalog";
import { objectKeys, simpleKeys } from "../stacks/schema";
import { secretConfigKeys } from "../stacks/parse";
import { stackNames } from "../cli/stackFile";
import { fixtureStack, root } from "./helpers";

interface Declaration { type?: string; description?: string; secret?: boolean; default?: unknown }
interface Project { name: string; config: Record<string, Declaration>; template?: { config: Record<string, Declaration> } }

const read = (file: string) => parseYaml(readFileSync(path.join(root, file), "utf8")) as Project;

describe("Pulumi.yaml", () => {
    const project = read("Pulumi.yaml");

    it("validates against Pulumi's own project schema (both projects)", () => {
        const schema = JSON.parse(readFileSync(path.join(root, "test/schemas/pulumi-project.json"), "utf8")) as object;
        const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
        for (const file of ["Pulumi.yaml", "fleet/Pulumi.yaml"]) assert.ok(validate(read(file)), `${file}: ${JSON.stringify(validate.errors)}`);
        assert.equal(project.name, "saif-platform");
        assert.equal(read("fleet/Pulumi.yaml").name, "saif-fleet");
    });

    it("declares every config key the program reads, each with a description", () => {
        assert.deepEqual(Object.keys(project.config).sort(), [...Object.keys(simpleKeys), ...Object.keys(objectKeys)].sort());
        for (const [key, decl] of Object.entries(project.config)) assert.ok((decl.description ?? "").length > 10, key);
        assert.equal(project.config.gpu.type, "boolean");
        // Typed, so the CLI (>= 3.186) refuses a value that is not a mapping before the program runs.
        for (const key of Object.keys(objectKeys)) assert.equal(project.config[key].type, "object", key);
    });

    it("requires only what every cluster stack sets: the CLI treats a declared key without a default as required", () => {
        const required = Object.entries(project.config).filter(([, d]) => d.default === undefined).map(([k]) => k).sort();
        assert.deepEqual(required, ["cluster", "gitops", "gpu"]);
        for (const stack of stackNames(root)) {
            const config = (parseYaml(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
            for (const key of required) assert.ok(`saif-platform:${key}` in config, `${stack} sets ${key}`);
        }
    });

    it("declares every secret key with secret: true and a description, where it does not make it required", () => {
        const template = project.template!.config;
        assert.deepEqual(Object.keys(template).sort(), [...secretConfigKeys].sort());
        for (const key of secretConfigKeys) {
            assert.equal(template[key].secret, true, key);
            assert.ok((template[key].description ?? "").length > 10, key);
            assert.ok(!(key in project.config), `${key} under config: would be required, and a secret cannot have a default`);
        }
        for (const s of platformSecrets) assert.ok(s.key in template);
    });

    it("type-checks the program with production typings only: pulumi up works after npm ci --omit=dev", () => {
        // The Pulumi CLI type-checks the program with tsconfig.json (ts-node, @pulumi/pulumi cmd/run/run.js); a dev-only
        // typing there (mocha's) fails `pulumi up` where devDependencies are not installed.
        const tsconfig = JSON.parse(readFileSync(path.join(root, "tsconfig.json"), "utf8")) as { compilerOptions: { types: string[] }; include: string[] };
        const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        for (const t of tsconfig.compilerOptions.types) assert.ok(`@types/${t}` in pkg.dependencies, `@types/${t} is a dependency`);
        assert.ok(!tsconfig.include.some((p) => p.startsWith("test/") || p.startsWith("cli/")), "tests and the CLI are type-checked by tsconfig.dev.json");
        for (const dep of ["typescript", "@pulumi/pulumi", "@pulumi/kubernetes", "yaml", "zod"]) assert.ok(dep in pkg.dependencies, dep);
    });

    it("the fixture stack files hold no made-up ciphertext", () => {
        for (const file of [fixtureStack("ai-pod-1"), fixtureStack("ai-pod-2"), fixtureStack("ai-pod-3"), path.join(root, "fleet/Pulumi.fleet.yaml")]) {
            assert.ok(!readFileSync(file, "utf8").includes("secure:"), file);
        }
    });
});
