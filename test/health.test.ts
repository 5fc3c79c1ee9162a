import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { healthChecks, healthChecksAsArgoCdCm } from "../lib/health";
import { HealthCheckError, runHealthCheck } from "../lib/healthHarness";
import { requireOrSkip, root } from "./helpers";

const ours = path.join(root, "test/fixtures/health");
// Argo CD's own testdata, verbatim (../shared beside the clone, as in CI).
const upstream = path.join(root, "../shared/refs/health-testdata");

interface Row { kind: string; fixture: string; expected: string; got: string }

function fixtures(dir: string): { folder: string; file: string; expected: string }[] {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).flatMap((folder) => readdirSync(path.join(dir, folder))
        .filter((f) => f.endsWith(".yaml"))
        .map((file) => ({ folder, file, expected: file.split("_")[0] })));
}

const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

describe("health checks, run in a real Lua VM as Argo CD runs them", () => {
    const rows: Row[] = [];

    it("maps every fixture written from the operators' status code to the right health", () => {
        const all = fixtures(ours);
        assert.ok(all.length >= 45, `only ${all.length} fixtures`);
        for (const { folder, file, expected } of all) {
            const [group, kind] = folder.split("_");
            const check = healthChecks.find((h) => h.group === group && h.kind === kind);
            assert.ok(check, `no check for ${folder}`);
            const obj = parseYaml(readFileSync(path.join(ours, folder, file), "utf8")) as { kind: string };
            assert.equal(obj.kind, kind, `${folder}/${file} holds a ${obj.kind}`);
            const got = runHealthCheck(check.check, obj);
            rows.push({ kind, fixture: file.replace(/\.yaml$/, ""), expected: capital(expected), got: got.status });
            // What is not Healthy says why (an Application passes on its child's own message, which may be empty).
            if (kind !== "Application" && got.status !== "Healthy") assert.ok(got.message.length > 0, `${folder}/${file}: no message`);
        }
        const wrong = rows.filter((r) => r.expected !== r.got);
        assert.deepEqual(wrong, [], "fixtures with the wrong health");
    });

    it("has a fixture of every health it can return, for every kind we check", () => {
        const byKind = new Map<string, Set<string>>();
        for (const { folder, expected } of fixtures(ours)) {
            byKind.set(folder, new Set([...(byKind.get(folder) ?? []), expected]));
        }
        for (const h of healthChecks) {
            const seen = byKind.get(`${h.group}_${h.kind}`);
            assert.ok(seen, `${h.kind}: no fixtures`);
            for (const need of ["healthy", "progressing", "degraded"]) assert.ok(seen.has(need), `${h.kind}: no ${need} fixture`);
            assert.ok(fixtures(ours).some((f) => f.folder === `${h.group}_${h.kind}` && f.file.includes("nostatus")), `${h.kind}: no fixture without status`);
        }
    });

    it("overrides none of Argo CD's built-in checks, and leaves it the kinds it checks itself (its list and testdata)", function () {
        const builtIn = new Set(readFileSync(path.join(root, "test/schemas/argo-cd-builtin-health-checks.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("#")));
        assert.ok(builtIn.size > 200, "the vendored list is whole");
        assert.deepEqual(healthChecks.filter((h) => builtIn.has(`${h.group}/${h.kind}`)).map((h) => h.kind), []);
        // What the platform deploys and we leave to Argo CD (lib/health.ts): each has a built-in check.
        for (const k of ["operators.coreos.com/Subscription", "bitnami.com/SealedSecret", "clickhouse.altinity.com/ClickHouseInstallation"]) assert.ok(builtIn.has(k), k);
        // A CSV is never a resource Argo CD manages: a check for it would never run.
        assert.ok(!healthChecks.some((h) => h.kind === "ClusterServiceVersion"));
        requireOrSkip(this, existsSync(upstream), `${upstream} (Argo CD's health testdata) is not beside this clone`);
        for (const { folder } of fixtures(upstream)) {
            const [group, kind] = folder.split("_");
            assert.ok(builtIn.has(`${group}/${kind}`), `${folder}: not in the built-in list`);
            assert.ok(!healthChecks.some((h) => h.group === group && h.kind === kind), `${folder}: overridden`);
        }
    });

    it("never raises a Lua error, whatever part of the status is missing or oddly typed", () => {
        const shapes: unknown[] = [
            {}, { status: {} }, { status: { conditions: [] } }, { status: { conditions: [{}] } }, { status: { health: {} } },
            { status: { state: "" } }, { status: { connectionState: {} } }, { status: { conditions: [{ type: "Degraded", status: "True" }] } },
            { status: { sync: {}, health: { status: "Healthy" } } }, { status: { state: "notReady", conditions: [{ type: "Error" }] } },
        ];
        for (const h of healthChecks) {
            for (const s of shapes) {
                const got = runHealthCheck(h.check, { apiVersion: `${h.group}/v1`, kind: h.kind, metadata: { name: "x" }, ...(s as object) });
                assert.ok(["Progressing", "Healthy", "Degraded", "Unknown"].includes(got.status), `${h.kind} ${JSON.stringify(s)}`);
            }
        }
    });

    it("the harness behaves as Argo CD's VM: no string library, typed results, unknown statuses", () => {
        assert.throws(() => runHealthCheck(`local s = "abc"
return { status = s:sub(1, 1) }`, {}), HealthCheckError);
        assert.throws(() => runHealthCheck(`return { status = string.upper("healthy") }`, {}), HealthCheckError);
        assert.throws(() => runHealthCheck(`return { status = 3 }`, {}), /status must be a string/);
        assert.throws(() => runHealthCheck(`return { status = "Healthy", message = {} }`, {}), /message must be a string/);
        assert.throws(() => runHealthCheck(`return "Healthy"`, {}), /must return a table/);
        assert.throws(() => runHealthCheck(`os.exit(1)`, {}), HealthCheckError);
        assert.deepEqual(runHealthCheck(`return { status = "Fine" }`, {}), { status: "Unknown", message: "" });
        assert.deepEqual(runHealthCheck(`return {}`, {}), { status: "Unknown", message: "" });
        // A fresh state each run: a global set by one run is gone in the next.
        runHealthCheck(`leaked = "Healthy"
return {}`, {});
        assert.equal(runHealthCheck(`return { status = leaked }`, {}).status, "Unknown");
        // Arrays are 1-based, as gopher-lua's decodeValue builds them.
        assert.equal(runHealthCheck(`return { status = obj.items[1] }`, { items: ["Healthy"] }).status, "Healthy");
        assert.equal(runHealthCheck(`return { status = os.date("%Y") ~= nil and "Healthy" or "Degraded" }`, {}).status, "Healthy");
    });

    it("the harness passes objects as Argo CD's decodeValue does, keeps only the safe os, and names each error", () => {
        const probe = `return { status = "Healthy", message = table.concat({
  type(obj.b), tostring(obj.b), type(obj.i), tostring(obj.f), tostring(#obj.arr), tostring(obj.arr[2]), type(obj.nothing),
  type(obj.nested.deep), type(package), type(os.time), type(os.date), type(os.getenv), type(os.exit), type(os.remove),
  type(os.rename), type(os.execute), type(os.tmpname), type(os.clock), type(os.difftime), type(os.setlocale), type(io), type(math), type(string)
}, ",") }`;
        const got = runHealthCheck(probe, { b: false, i: 3, f: 1.5, arr: ["a", null, "c"], nothing: null, nested: { deep: { x: 1 } } });
        // Nulls are dropped from arrays (table.Append) and objects; integers stay integers, floats floats.
        assert.equal(got.message, "boolean,false,number,1.5,2,c,nil,table,table,function,function,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil");
        assert.equal(runHealthCheck(`return { status = "Healthy", message = tostring(obj.i) }`, { i: 3 }).message, "3");
        assert.equal(runHealthCheck(`return { status = "Healthy", message = tostring(obj[1]) .. tostring(obj[2]) }`, [true, 7]).message, "true7");
        assert.deepEqual(runHealthCheck(`return { status = "Degraded", message = "m" }`, "x"), { status: "Degraded", message: "m" });
        // An object that is null or absent is nil in Lua, not a table.
        for (const nothing of [null, undefined]) assert.equal(runHealthCheck(`return { status = "Healthy", message = type(obj) }`, nothing).message, "nil");
        for (const s of ["Progressing", "Suspended", "Healthy", "Degraded", "Missing", "Unknown"]) assert.equal(runHealthCheck(`return { status = "${s}" }`, {}).status, s);
        assert.throws(() => runHealthCheck(`return {`, {}), (e: Error) => e instanceof HealthCheckError && /^syntax error: /.test(e.message));
        assert.throws(() => runHealthCheck(`error("boom")`, {}), (e: Error) => e instanceof HealthCheckError && /^runtime error: .*boom/.test(e.message));
        assert.throws(() => runHealthCheck(`return { status = 3 }`, {}), (e: Error) => e.message === "health status must be a string");
        assert.throws(() => runHealthCheck(`return { status = "Healthy", message = 1 }`, {}), (e: Error) => e.message === "health message must be a string");
        assert.throws(() => runHealthCheck(`return 1`, {}), (e: Error) => e.message === "the check must return a table");
        assert.throws(() => runHealthCheck(`return {}`, { f: () => 1 }), /^TypeError: cannot pass a function to Lua$/);
    });

    it("renders the same checks into argocd-cm keys for the Helm flavor", () => {
        const cm = healthChecksAsArgoCdCm();
        assert.deepEqual(Object.keys(cm).sort(), healthChecks.map((h) => `resource.customizations.health.${h.group}_${h.kind}`).sort());
    });

    after(() => {
        if (rows.length === 0 || process.env.HEALTH_TABLE !== "1") return;
        const w = [4, 7, 8, 3].map((_, i) => Math.max(...rows.map((r) => Object.values(r)[i].length)));
        for (const r of rows) console.log(`    ${Object.values(r).map((v: string, i) => v.padEnd(w[i])).join("  ")}`);
    });
});
