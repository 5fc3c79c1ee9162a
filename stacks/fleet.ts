import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ConfigProblems } from "../lib/problems";
import { rawConfig } from "./config";
import { FleetConfig, parseFleetConfig } from "./fleetConfig";

export interface FleetOutputs {
    /** Private keys by generation: secret in state and in every output that reads them. */
    readonly sealingKeys: pulumi.Output<Record<string, { privateKeyPem: string; certPem: string }>>;
    readonly sealingCerts: pulumi.Output<Record<string, string>>;
    /** The newest generation's certificate: the one that seals. */
    readonly activeCert: pulumi.Output<string>;
}

/** The fleet stack: one RSA 4096 Sealed Secrets key per generation, shared by every cluster stack. */
export function deployFleet(fleet: FleetConfig): FleetOutputs {
    const pairs = fleet.rotation.map((generation) => {
        // Protected and retained: losing the key would strand every SealedSecret in Git.
        const keep = { protect: true, retainOnDelete: true };
        const key = new tls.PrivateKey(`sealing-key-${generation}`, { algorithm: "RSA", rsaBits: 4096 }, keep);
        const cert = new tls.SelfSignedCert(`sealing-cert-${generation}`, {
            privateKeyPem: key.privateKeyPem,
            allowedUses: ["key_encipherment", "digital_signature"],
            validityPeriodHours: 10 * 365 * 24,
            subject: { commonName: "sealed-secret", organization: "saif-platform" },
        }, keep);
        return { generation, key, cert };
    });
    const sealingKeys = pulumi.secret(pulumi.all(pairs.map((p) => pulumi.all([p.key.privateKeyPem, p.cert.certPem])))
        .apply((values) => Object.fromEntries(values.map(([privateKeyPem, certPem], i) => [pairs[i].generation, { privateKeyPem, certPem }]))));
    const sealingCerts = pulumi.all(pairs.map((p) => p.cert.certPem))
        .apply((certs) => Object.fromEntries(certs.map((c, i) => [pairs[i].generation, c])));
    return { sealingKeys, sealingCerts, activeCert: pairs[pairs.length - 1].cert.certPem };
}

/** The fleet project's program (fleet/index.ts): validate its config, then make the keys. */
export function fleetProgram(): Record<string, unknown> {
    let fleet: FleetConfig;
    try {
        fleet = parseFleetConfig(rawConfig());
    } catch (e) {
        if (e instanceof ConfigProblems) throw new pulumi.RunError(e.message);
        throw e;
    }
    return { ...deployFleet(fleet) };
}
