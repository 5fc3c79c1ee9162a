import { strict as assert } from "node:assert";
import { argocdMoveProblem, seedApplicationProblems } from "../lib/dayTwo";
import { find, runStack } from "./mocks";

/** A config edit that would move Argo CD under a running stack's Applications is refused (issue 22). */
describe("Argo CD's namespace and flavor on a running stack", function () {
    this.timeout(60000);

    it("names what moved, and nothing on a new stack or an unchanged one (pure)", () => {
        const now = { namespace: "openshift-gitops", flavor: "openshift-gitops" };
        assert.equal(argocdMoveProblem({}, now), undefined);
        assert.equal(argocdMoveProblem({ namespace: "openshift-gitops", flavor: "openshift-gitops" }, now), undefined);
        assert.match(argocdMoveProblem({ namespace: "argocd", flavor: "openshift-gitops" }, now)!,
            /^saif-platform:argocd\.namespace: "openshift-gitops", but this stack's Argo CD and Applications are in "argocd"; moving them would replace every Application/);
        assert.match(argocdMoveProblem({ namespace: "openshift-gitops", flavor: "helm" }, now)!, /^saif-platform:argocd\.flavor: "openshift-gitops", but this stack runs "helm"; /);
        assert.equal(argocdMoveProblem({ namespace: "argocd", flavor: "helm" }, now)!.split("\n").length, 2);
    });

    it("under mocks: the stack's last outputs are read first, and a move stops the run, in one line each, before anything else is registered", async () => {
        const fresh = await runStack("ai-pod-3");
        assert.equal(fresh.error, undefined);
        assert.equal(find(fresh, "pulumi:pulumi:StackReference", "previous-deployment").length, 1);
        assert.equal(fresh.outputs.argocdFlavor, "openshift-gitops");
        const same = await runStack("ai-pod-3", {}, {}, { previousOutputs: { argocdNamespace: "openshift-gitops", argocdFlavor: "openshift-gitops" } });
        assert.equal(same.error, undefined);
        const moved = await runStack("ai-pod-3", { argocd: { flavor: "openshift-gitops", namespace: "gitops" } }, {}, { previousOutputs: { argocdNamespace: "openshift-gitops", argocdFlavor: "openshift-gitops" } });
        assert.match(moved.error ?? "", /^saif-platform:argocd\.namespace: "gitops", but this stack's Argo CD and Applications are in "openshift-gitops"; moving them would replace every Application \(deleting the old ones cascades into what they deployed\): keep the namespace$/);
        assert.deepEqual(moved.registrations.map((r) => r.type).filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
    });
});

describe("a seed Application before adoption (pure)", () => {
    const cascade = { metadata: { finalizers: ["resources-finalizer.argocd.argoproj.io/foreground"] }, spec: { source: {} } };
    it("refuses the cascade finalizer only where the component is meant to have none", () => {
        assert.deepEqual(seedApplicationProblems("openshift-gitops", "lvms-operator", cascade, true), []);
        const [line] = seedApplicationProblems("openshift-gitops", "lvms-operator", cascade, false);
        assert.match(line, /^openshift-gitops\/lvms-operator: the seed's resources-finalizer\.argocd\.argoproj\.io\/foreground would cascade/);
        assert.match(line, /oc -n openshift-gitops patch application lvms-operator --type json -p '\[\{"op":"remove","path":"\/metadata\/finalizers"\}\]'$/);
    });
    it("refuses several sources, and says nothing for an object that is not there or has neither", () => {
        assert.equal(seedApplicationProblems("argocd", "x", { spec: { sources: [] } }, true).length, 1);
        assert.deepEqual(seedApplicationProblems("argocd", "x", undefined, false), []);
        assert.deepEqual(seedApplicationProblems("argocd", "x", { metadata: { finalizers: ["other"] }, spec: {} }, false), []);
    });
});
