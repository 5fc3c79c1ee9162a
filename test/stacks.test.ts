import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { buildPlan } from "../cli/plan";
import { stackNames } from "../cli/stackFile";
import { root } from "./helpers";

/**
 * The repository's own stack files are the users' to edit: these tests pin nothing of their content. Each one
 * parses, plans under mocks, and the plan honours what the file itself says.
 */
describe("the repository's stack files (whatever they hold)", () => {
    const stacks = stackNames(root);

    it("finds at least one stack file", () => {
        assert.ok(stacks.length > 0);
    });

    for (const stack of stacks) {
        it(`${stack}: parses, plans, and honours its own config`, async () => {
            const file = (parseYaml(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> }).config ?? {};
            const get = (key: string) => file[`saif-platform:${key}`];
            const result = await buildPlan(root, stack);
            assert.equal(result.recording.error, undefined, result.recording.error);
            const names = result.plan.order.map((c) => c.name);
            assert.equal(result.plan.cluster, get("cluster"));
            const components = (get("components") ?? {}) as Record<string, { enabled?: boolean }>;
            for (const [name, o] of Object.entries(components)) {
                if (o.enabled === false) assert.ok(!names.includes(name), `${name} is off in the file`);
                if (o.enabled === true) assert.ok(names.includes(name), `${name} is on in the file`);
            }
            for (const [name, e] of Object.entries((get("extraComponents") ?? {}) as Record<string, { enabled?: boolean }>)) {
                if (e.enabled !== false) assert.ok(names.includes(name) || result.plan.order.length > 0, name);
            }
            if (get("gpu") === false) assert.deepEqual(result.plan.order.filter((c) => c.tier === 3 && !c.extra), []);
            const apps = result.recording.registrations.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Application" && r.parent.includes("Tier"));
            assert.deepEqual(apps.map((a) => a.name).sort(), [...names].sort());
        });
    }
});
