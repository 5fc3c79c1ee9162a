import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { buildPlan } from "../cli/plan";
import type { Registration } from "../cli/mockrun";
import { applicationType } from "../policy/policies";
import { fixtureStack, root } from "./helpers";

/**
 * The pack as the CLI runs it: the language host starts `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack>` in
 * the pack's folder (pulumi sdk/nodejs/cmd/pulumi-language-nodejs RunPlugin), which compiles index.ts with ts-node and
 * serves the Analyzer gRPC service, printing its port. Here the same process is started and called as the engine
 * calls it (proto/pulumi/analyzer.proto), so the pack is checked under the real policy server, unknowns and all.
 */
type Client = InstanceType<typeof analyzerGrpc.AnalyzerClient>;
const call = <Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => void, req: Req) =>
    new Promise<Res>((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));

function options(r: Registration): analyzerPb.AnalyzerResourceOptions {
    const o = new analyzerPb.AnalyzerResourceOptions();
    o.setProtect(r.protect);
    o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
    o.setIgnorechangesList(r.ignoreChanges);
    if (r.parent) o.setParent(r.parent);
    return o;
}

/** A resource as the engine describes it to an analyzer: an AnalyzeRequest, or a stack request's AnalyzerResource. */
function asAnalyzed<T extends analyzerPb.AnalyzeRequest | analyzerPb.AnalyzerResource>(message: T, r: Registration): T {
    message.setType(r.type);
    message.setUrn(r.urn);
    message.setName(r.name);
    message.setProperties(Struct.fromJavaScript(r.inputs as Record<string, never>));
    message.setOptions(options(r));
    return message;
}
const request = (r: Registration) => asAnalyzed(new analyzerPb.AnalyzeRequest(), r);

describe("policy pack under the real policy server (run-policy-pack, as the CLI starts it)", function () {
    this.timeout(120_000);
    let server: ChildProcess;
    let client: Client;
    let registrations: Registration[];
    before(async () => {
        registrations = (await buildPlan(root, "ai-pod-1", fixtureStack("ai-pod-1"))).recording.registrations;
        server = spawn(process.execPath, [path.join(root, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: path.join(root, "policy"), stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        server.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            server.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(Number(m[1]));
            });
            server.on("exit", (code) => reject(new Error(`the pack exited ${code}: ${stderr}`)));
        });
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        server?.kill();
    });

    it("loads: the pack's name and its eight policies, all mandatory", async () => {
        const info = await call<Empty, analyzerPb.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
        assert.equal(info.getName(), "saif-platform");
        const policies = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
        assert.deepEqual(policies.map(([n]) => n), [
            "application-health-gate", "application-project", "tier-order", "sealing-key-kept", "no-plaintext-secrets", "pinned-operators-and-charts", "no-replace-or-crd-prune", "ring-membership",
        ]);
        assert.ok(policies.every(([, level]) => level === analyzerPb.EnforcementLevel.MANDATORY));
    });

    it("passes every resource the program registers, and fails a broken one with a mandatory diagnostic", async () => {
        for (const r of registrations.filter((x) => x.kind === "register")) {
            const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze.bind(client), request(r));
            assert.deepEqual(res.getDiagnosticsList().map((d) => `${d.getPolicyname()}: ${d.getMessage()}`), [], r.urn);
        }
        const app = structuredClone(registrations.find((r) => r.type === applicationType && r.name === "splunk-otel")!);
        (app.inputs.spec as { project: string }).project = "default";
        const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze.bind(client), request(app));
        const d = res.getDiagnosticsList();
        // The server puts the policy's description on the first line (server.ts makeReportViolationFun).
        assert.deepEqual(d.map((x) => [x.getPolicyname(), x.getEnforcementlevel(), x.getMessage().split("\n").pop()]), [
            ["application-project", analyzerPb.EnforcementLevel.MANDATORY, "spec.project is \"default\", not saif-platform"],
        ]);
    });

    it("an unknown value at preview stays mandatory through the real server (CrossGuard alone would make it advisory)", async () => {
        const app = structuredClone(registrations.find((r) => r.type === applicationType && r.name === "sealed-secrets-gpu")!);
        // The engine's unknown string, as it sends a value not known at preview.
        (app.inputs.spec as { source: { targetRevision: string } }).source.targetRevision = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze.bind(client), request(app));
        const gate = res.getDiagnosticsList().filter((x) => x.getPolicyname() === "application-health-gate");
        assert.equal(gate.length, 1);
        assert.equal(gate[0].getEnforcementlevel(), analyzerPb.EnforcementLevel.MANDATORY);
        assert.match(gate[0].getMessage(), /string value at \.spec\.source\.targetRevision can't be known during preview, so this invariant cannot be checked/);
    });

    it("the stack policies: the shipped stack passes; a dependency on a later tier fails", async () => {
        const stackRequest = (regs: Registration[]) => {
            const req = new analyzerPb.AnalyzeStackRequest();
            req.setResourcesList(regs.filter((r) => r.kind === "register").map((r) => {
                const a = asAnalyzed(new analyzerPb.AnalyzerResource(), r);
                a.setParent(r.parent);
                a.setDependenciesList(r.dependencies);
                return a;
            }));
            return req;
        };
        const ok = await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(client.analyzeStack.bind(client), stackRequest(registrations));
        assert.deepEqual(ok.getDiagnosticsList().map((d) => d.getMessage()), []);
        const broken = structuredClone(registrations);
        broken.find((r) => r.name === "nfd-operator")!.dependencies.push(broken.find((r) => r.name === "splunk-otel")!.urn);
        const res = await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(client.analyzeStack.bind(client), stackRequest(broken));
        assert.deepEqual(res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getUrn().split("::").pop(), d.getMessage().split("\n").pop()]), [
            ["tier-order", "nfd-operator", "tier 3 depends on splunk-otel of tier 4, a later tier"],
        ]);
    });
});
