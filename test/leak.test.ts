import { strict as assert } from "node:assert";
import { manifests, previewJson } from "../cli/preview";
import { platformSecrets } from "../components/catalog";
import { plainContains } from "../lib/secretMask";
import { makeKeyPair } from "./keys";
import { runStack } from "./mocks";

/** Every secret config key gets a unique sentinel; none may appear anywhere a person or a file could see it. */
describe("secrets never appear in plain text (whole stacks, every delivery option on)", () => {
    const pair = makeKeyPair();
    const sentinels: Record<string, string> = {
        kubeconfig: "SENTINEL-KUBECONFIG-7f3a",
        githubToken: "SENTINEL-GITHUB-TOKEN-91c2",
        repoToken: "SENTINEL-REPO-TOKEN-55d0",
        ...Object.fromEntries(platformSecrets.map((s, i) => [s.key, `SENTINEL-${s.key.toUpperCase()}-${i}e9`])),
    };
    const keyBody = pair.privateKeyPem.split("\n").slice(1, -2).join("");

    for (const stack of ["ai-pod-1", "ai-pod-2", "ai-pod-3"]) {
        it(`${stack}: not in any non-secret input, output, preview.json, manifest or log`, async () => {
            // Sealed commits and direct Secrets exclude each other (they would fight over one Secret): one run each,
            // both with the GitHub environment, every secret checked across both.
            const run = (delivery: Record<string, boolean>) => runStack(stack, {
                kubernetes: undefined,
                gitops: { repoUrl: "https://github.com/saif-ai-pod/saif-gitops.git", access: "token", github: { owner: "saif-ai-pod", repository: "saif-gitops" } },
                sealedSecrets: { keySource: "config" },
                secretDelivery: { githubEnvironment: true, ...delivery },
                certManager: { enabled: true },
            }, {
                ...sentinels,
                // A .dockerconfigjson, as the key takes: its password is the sentinel.
                registryPullSecret: JSON.stringify({ auths: { "mirror.lab": { username: "u", password: sentinels.registryPullSecret } } }),
                sealingKey: pair.privateKeyPem, sealingCert: pair.certPem,
            });
            const [sealed, direct] = [await run({ commitSealed: true }), await run({ directSecrets: true })];
            assert.equal(sealed.error, undefined);
            assert.equal(direct.error, undefined);
            const rec = { ...direct, registrations: [...sealed.registrations, ...direct.registrations], logs: [...sealed.logs, ...direct.logs] };
            // The secrets are really used: direct Secrets and environment secrets exist.
            assert.ok(rec.registrations.some((r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"));
            assert.ok(rec.registrations.some((r) => r.type === "github:index/repositoryFile:RepositoryFile"));
            const seen = [
                ...rec.registrations.map((r) => ({ where: `${r.type} ${r.name}`, value: r.inputs })),
                { where: "outputs", value: rec.outputs as unknown },
            ];
            const files = [
                { where: "preview.json", text: JSON.stringify(previewJson(rec)) },
                ...manifests(rec).map((m) => ({ where: m.file, text: m.yaml })),
                { where: "logs", text: rec.logs.join("\n") },
            ];
            for (const secret of [...Object.values(sentinels), keyBody]) {
                for (const s of seen) assert.ok(!plainContains(s.value, secret), `${secret.slice(0, 24)} in ${s.where}`);
                for (const f of files) assert.ok(!f.text.includes(secret), `${secret.slice(0, 24)} in ${f.where}`);
            }
            // ... while the raw inputs do hold them, as secrets, where each is used: the check above could fail.
            const raw = (type?: string) => JSON.stringify(rec.registrations.filter((r) => type === undefined || r.type === type).map((r) => r.inputs));
            // Every secret an enabled component needs (ai-pod-3 has no GPUs: no NIM secrets).
            const needed = new Set(rec.registrations.map((r) => r.name));
            const used = Object.entries(sentinels).filter(([k]) => platformSecrets.find((p) => p.key === k)?.neededBy.some((n) => needed.has(n)) ?? true);
            assert.ok(used.length >= (stack === "ai-pod-3" ? 7 : 8));
            for (const [, secret] of used) assert.ok(raw().includes(secret), `${secret} is used`);
            assert.ok(raw("pulumi:providers:kubernetes").includes(sentinels.kubeconfig), "the cluster's kubeconfig");
            assert.ok(raw("pulumi:providers:github").includes(sentinels.githubToken), "the GitHub provider's token");
            assert.ok(raw("kubernetes:core/v1:Secret").includes(pair.privateKeyPem.split("\n")[1]), "the fleet key Secret");
        });
    }
});
