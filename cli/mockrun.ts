import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
// program() only defines resources when called, so importing it before setMocks is safe.
import { program } from "../stacks/program";
import { project } from "../stacks/types";

/** What the program asked the engine to register: exactly the RegisterResource request, decoded. */
export interface Registration {
    urn: string;
    /** "register", or "read" for resources read rather than managed (StackReference). */
    kind: "register" | "read";
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    provider: string;
    /** URNs of the resources this one depends on (dependsOn and implicit input dependencies). */
    dependencies: string[];
    protect: boolean;
    retainOnDelete: boolean;
    /** Outputs the engine keeps secret whatever their value (the SDK adds data/stringData for every Secret). */
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    importId: string;
    customTimeouts: { create: string; update: string; delete: string };
    /** Inputs as serialized: secrets still wrapped in the SDK's secret marker. */
    inputs: Record<string, unknown>;
}

export interface Recording {
    readonly stack: string;
    readonly registrations: Registration[];
    /** Stack outputs as the engine would store them (secrets wrapped). */
    readonly outputs: Record<string, unknown>;
    /** Everything the program logged through Pulumi's log, and any RunError it raised. */
    readonly logs: string[];
    readonly error?: string;
}

export interface ProgramInput {
    readonly stack: string;
    /** The Pulumi project; default saif-platform (the cluster program). */
    readonly project?: string;
    /** The program to run; default the cluster program (what index.ts exports). */
    readonly program?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
    readonly values: Readonly<Record<string, unknown>>;
    readonly secretKeys: ReadonlySet<string>;
    /** Tests: the fleet stack's outputs arrive as the engine gives them when it cannot decrypt them (empty). */
    readonly emptyFleetOutputs?: boolean;
    /** Run as `pulumi up` rather than `pulumi preview` (the default, as the offline plan is a preview). */
    readonly up?: boolean;
    /** Tests: the stack's own outputs from its last deployment (none by default: a new stack). */
    readonly previousOutputs?: Readonly<Record<string, unknown>>;
    /** Tests: objects a read by id finds on the cluster, keyed by "<type> <id>" (none by default: a read echoes its inputs). */
    readonly liveObjects?: Readonly<Record<string, Record<string, unknown>>>;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getCustom(): boolean;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getIgnorechangesList(): string[];
    getImportid(): string;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getObject(): Struct | undefined;
}

interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getId(): string;
    getDependenciesList(): string[];
    getProperties(): Struct | undefined;
}

interface MockMonitor {
    registerResource(req: RegisterRequest, cb: (err: unknown, resp?: { getUrn(): string }) => void): void;
    readResource(req: ReadRequest, cb: (err: unknown, resp?: { getUrn(): string }) => void): void;
    getRegisteredResources(): Map<string, { urn: string; state: Struct }>;
}

/** Stand-in outputs of resources whose real values come from a provider. */
function mockState(type: string, name: string, inputs: Record<string, unknown>, values: Readonly<Record<string, unknown>>, emptyFleet = false): Record<string, unknown> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            return {
                ...inputs,
                privateKeyPem: `mock-private-key-${name}`,
                privateKeyOpenssh: `mock-private-key-openssh-${name}`,
                publicKeyOpenssh: `ssh-ed25519 MOCK-${name}`,
                publicKeyPem: `mock-public-key-${name}`,
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
            return { ...inputs, certPem: `mock-certificate-${name}` };
        case "pulumi:pulumi:StackReference": {
            // The fleet stack's outputs: the key pair given offline (--values sealingKey/sealingCert), else stand-ins.
            const generations = ["fleet-key", "fleet-key-2", "fleet-key-3"];
            const givenKey = values[`${project}:sealingKey`];
            const givenCert = values[`${project}:sealingCert`];
            const real = typeof givenKey === "string" && typeof givenCert === "string" && givenCert.includes("BEGIN CERTIFICATE");
            const keyOf = (g: string) => (real ? givenKey : `standin-fleet-private-key-${g}`);
            const certOf = (g: string) => (real ? givenCert : `standin-fleet-certificate-${g}`);
            if (emptyFleet) return { ...inputs, outputs: { sealingKeys: {}, sealingCerts: {} }, secretOutputNames: ["sealingKeys"] };
            return {
                ...inputs,
                outputs: {
                    sealingKeys: Object.fromEntries(generations.map((g) => [g, { privateKeyPem: keyOf(g), certPem: certOf(g) }])),
                    sealingCerts: Object.fromEntries(generations.map((g) => [g, certOf(g)])),
                },
                secretOutputNames: ["sealingKeys"],
            };
        }
        case "github:index/repositoryFile:RepositoryFile":
            // The provider reports the commit that wrote the file: a 40-hex SHA, here derived from the content.
            return { ...inputs, commitSha: createHash("sha1").update(typeof inputs.content === "string" ? inputs.content : "").digest("hex") };
        default:
            return inputs;
    }
}

function configString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

const knownPackages = ["pulumi:", "kubernetes:", "kubernetes-cert-manager:", "tls:", "github:", "saif:"];

let running = false;

/**
 * Run the real program (stacks/program.ts, as index.ts does) in the Pulumi runtime with mocks: no CLI, no
 * provider, no cluster. Records every RegisterResource request as the engine would receive it.
 */
export async function runProgram(input: ProgramInput): Promise<Recording> {
    if (running) throw new Error("runProgram: one program at a time (the Pulumi runtime is process-global)");
    running = true;
    // The SDK captures a stack trace for every promise it wraps (runtime/debuggable.js, `new Error().stack`, kept
    // on the promise): ~20 per resource, most of a plan's memory at scale, and never shown by a plan. Off for the
    // run, back after it; SAIF_STACK_TRACES=1 keeps them for debugging.
    const stackTraceLimit = Error.stackTraceLimit;
    if (process.env.SAIF_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
    const registrations: Registration[] = [];
    const logs: string[] = [];
    try {
        await pulumi.runtime.setMocks({
            newResource: (args) => {
                // Only the packages the program uses: anything else is a mistake to surface, not to echo.
                if (!knownPackages.some((p) => args.type.startsWith(p))) throw new Error(`Mock not implemented: ${args.type}`);
                // The stack reading its own last outputs (stacks/cluster.ts): a new stack has none.
                if (args.type === "pulumi:pulumi:StackReference" && args.name === "previous-deployment") {
                    return { id: args.id || `${args.name}-id`, state: { ...(args.inputs as Record<string, unknown>), outputs: { ...(input.previousOutputs ?? {}) } } };
                }
                const live = args.id ? input.liveObjects?.[`${args.type} ${args.id}`] : undefined;
                if (live) return { id: args.id, state: { ...(args.inputs as Record<string, unknown>), ...live } };
                return { id: args.id || `${args.name}-id`, state: mockState(args.type, args.name, args.inputs as Record<string, unknown>, input.values, input.emptyFleetOutputs) };
            },
            call: (args) => {
                throw new Error(`Mock not implemented: ${args.token}`);
            },
        }, input.project ?? project, input.stack, !input.up, "organization");
        pulumi.runtime.setAllConfig(
            Object.fromEntries(Object.entries(input.values).map(([k, v]) => [k, configString(v)])),
            [...input.secretKeys],
        );
        const monitor = settings.getMonitor() as unknown as MockMonitor;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) => {
            const t = req.getCustomtimeouts();
            const entry: Registration = {
                urn: "",
                kind: "register",
                type: req.getType(),
                name: req.getName(),
                custom: req.getCustom(),
                parent: req.getParent(),
                provider: req.getProvider(),
                dependencies: req.getDependenciesList(),
                protect: req.getProtect(),
                retainOnDelete: req.getRetainondelete(),
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                ignoreChanges: req.getIgnorechangesList(),
                importId: req.getImportid(),
                customTimeouts: { create: t?.getCreate() ?? "", update: t?.getUpdate() ?? "", delete: t?.getDelete() ?? "" },
                inputs: (req.getObject()?.toJavaScript() ?? {}),
            };
            registrations.push(entry);
            register(req, (err, resp) => {
                if (resp) entry.urn = resp.getUrn();
                cb(err, resp);
            });
        };
        const read = monitor.readResource.bind(monitor);
        monitor.readResource = (req, cb) => {
            const entry: Registration = {
                urn: "", kind: "read", type: req.getType(), name: req.getName(), custom: true, parent: req.getParent(),
                provider: req.getProvider(), dependencies: req.getDependenciesList(), protect: false, retainOnDelete: false,
                additionalSecretOutputs: [], ignoreChanges: [], importId: req.getId(), customTimeouts: { create: "", update: "", delete: "" },
                inputs: (req.getProperties()?.toJavaScript() ?? {}),
            };
            registrations.push(entry);
            read(req, (err, resp) => {
                if (resp) entry.urn = resp.getUrn();
                cb(err, resp);
            });
        };
        const log = pulumi.log;
        const originals = { info: log.info, warn: log.warn, error: log.error, debug: log.debug };
        for (const level of ["info", "warn", "error"] as const) {
            // eslint-disable-next-line @typescript-eslint/require-await
            log[level] = async (msg: string) => { logs.push(`${level}: ${msg}`); };
        }
        // The SDK's own RPC tracing (shown only with -v): not the program's output, and noisy under mocks.
        // eslint-disable-next-line @typescript-eslint/require-await
        log.debug = async () => undefined;
        let error: string | undefined;
        // An error inside an apply (a resource that cannot be built) reaches the engine as a failed registration;
        // under mocks it surfaces as a rejected promise: record it as the run's error, as the engine would print it.
        const rejected: string[] = [];
        const onRejection = (reason: unknown) => {
            rejected.push(reason instanceof Error ? reason.message : String(reason));
        };
        process.on("unhandledRejection", onRejection);
        try {
            await pulumi.runtime.runInPulumiStack(() => Promise.resolve((input.program ?? program)()));
        } catch (e) {
            error = e instanceof pulumi.RunError || (e instanceof Error && e.name === "RunError") ? e.message : String(e instanceof Error ? e.stack : e);
            logs.push(`error: ${error}`);
        } finally {
            Object.assign(log, originals);
        }
        // Let every outstanding registration reach the mock monitor (internal to the SDK, hence the cast).
        try {
            await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        } catch (e) {
            rejected.push(e instanceof Error ? e.message : String(e));
        }
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
        if (error === undefined && rejected.length > 0) {
            error = [...new Set(rejected)].join("\n");
            logs.push(`error: ${error}`);
        }
        const stackUrn = registrations.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
        const stackState = stackUrn ? monitor.getRegisteredResources().get(stackUrn)?.state : undefined;
        const outputs = (stackState && typeof (stackState).toJavaScript === "function"
            ? (stackState).toJavaScript() : stackState ?? {}) as Record<string, unknown>;
        return { stack: input.stack, registrations, outputs, logs, ...(error !== undefined ? { error } : {}) };
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        running = false;
    }
}
