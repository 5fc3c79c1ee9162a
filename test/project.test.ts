import Ajv2020 from "ajv/dist/2020";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { platformSecrets } from "../components/catalog";
import { objectKeys, simpleKeys } from "../stacks/schema";
import { secretConfigKeys } from "../stacks/parse";
import { root } from "./helpers";

describe("Pulumi.yaml", () => {
    const project = parseYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        name: string; config: Record<string, { type?: string; description?: string; secret?: boolean }>;
    };

    it("validates against Pulumi's own project schema", () => {
        const schema = JSON.parse(readFileSync(path.join(root, "test/schemas/pulumi-project.json"), "utf8")) as object;
        const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
        assert.ok(validate(project), JSON.stringify(validate.errors));
        assert.equal(project.name, "saif-platform");
    });

    it("declares every config key the program reads, each with a description, secrets as secret", () => {
        const declared = Object.keys(project.config).sort();
        assert.deepEqual(declared, [...Object.keys(simpleKeys), ...Object.keys(objectKeys), ...secretConfigKeys].sort());
        for (const [key, decl] of Object.entries(project.config)) assert.ok((decl.description ?? "").length > 10, key);
        for (const key of secretConfigKeys) assert.equal(project.config[key].secret, true, key);
        for (const s of platformSecrets) assert.equal(project.config[s.key].type, "string");
        assert.equal(project.config.gpu.type, "boolean");
    });

    it("stack files hold no made-up ciphertext", () => {
        for (const file of ["Pulumi.ai-pod-1.yaml", "Pulumi.ai-pod-2.yaml", "Pulumi.ai-pod-3.yaml", "Pulumi.fleet.yaml"]) {
            assert.ok(!readFileSync(path.join(root, file), "utf8").includes("secure:"), file);
        }
    });
});
