/**
 * Health. Argo CD judges custom resources with Lua health checks (`resourceHealthChecks` on the ArgoCD instance,
 * copied into argocd-cm by the operator); Pulumi waits on `pulumi.com/waitFor` over each Application. Both are
 * plain data here.
 *
 * The checks run in Argo CD's gopher-lua VM (Lua 5.1), opened with only the package, base, table and a "safe" os
 * library (argoproj/argo-cd util/lua/lua.go `runLua`): there is NO string library, so no `string.find`, no
 * `s:sub()`. A check may compare, concatenate strings it knows are strings, and walk tables with `ipairs`/`pairs`.
 * `test/health.test.ts` runs each one in a real Lua VM (fengari) opened the same way, over fixtures written from
 * each operator's status code.
 */

export interface HealthCheck {
    readonly group: string;
    readonly kind: string;
    readonly check: string;
}

// Argo CD stopped assessing argoproj.io/Application health in 1.8; without this an app-of-apps never waits for its
// children. Differs from the docs' snippet (argo-cd docs/operator-manual/health.md) in two cases the review found:
// a health block without a status is Progressing (the snippet returns nil, which Argo CD turns into Unknown and a
// parent then skips), and a child whose last health belongs to an older revision (a sync running, or OutOfSync) is
// not Healthy yet.
const applicationLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the application's health"
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil and obj.status.health.status ~= "" then
  hs.status = obj.status.health.status
  hs.message = ""
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
  if hs.status == "Healthy" then
    if obj.status.operationState ~= nil and obj.status.operationState.phase == "Running" then
      hs.status = "Progressing"
      hs.message = "a sync is running"
    elseif obj.status.sync == nil or obj.status.sync.status ~= "Synced" then
      hs.status = "Progressing"
      hs.message = "healthy, but not synced to its source yet"
    end
  end
end
return hs
`;

// NVIDIA/gpu-operator api/nvidia/v1/clusterpolicy_types.go L1997-2017 (state ignored|ready|notReady);
// controllers/clusterpolicy_controller.go L121-130 (ignored: a second ClusterPolicy), L171-230 (notReady + Error
// condition reason OperandNotReady while operands roll out, requeued every 5 s; ReconcileFailed on a failed state),
// L237-249 (ready with Ready condition reason NFDLabelsMissing when no node carries NFD labels);
// internal/conditions/clusterpolicy.go L60-98 (the Ready and Error conditions).
const clusterPolicyLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the GPU operator to report status.state"
if obj.status == nil or obj.status.state == nil then
  return hs
end
local ready = nil
local failed = nil
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then
      ready = c
    elseif c.type == "Error" then
      failed = c
    end
  end
end
local state = obj.status.state
if state == "ready" then
  if ready ~= nil and ready.reason == "NFDLabelsMissing" then
    hs.message = "ready, but no node carries NFD labels yet: no GPU node discovered (NFDLabelsMissing)"
  else
    hs.status = "Healthy"
    hs.message = "ClusterPolicy ready"
  end
elseif state == "notReady" then
  if failed ~= nil and failed.status == "True" and failed.reason == "ReconcileFailed" then
    hs.status = "Degraded"
    hs.message = "reconcile failed"
    if failed.message ~= nil then
      hs.message = failed.message
    end
  else
    hs.message = "operands rolling out (driver build, device plugin)"
    if failed ~= nil and failed.message ~= nil then
      hs.message = failed.message
    end
  end
elseif state == "ignored" then
  hs.status = "Degraded"
  hs.message = "ignored: another ClusterPolicy is the active one"
else
  hs.message = "state " .. state
end
return hs
`;

// NVIDIA/k8s-nim-operator api/apps/v1alpha1/nimservice_types.go L53-64 (Pending|NotReady|Ready|Failed), written by
// internal/conditions/conditions.go L126-140, L247-262, L373-388.
const nimServiceLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the NIM operator to report status.state"
if obj.status ~= nil and obj.status.state ~= nil then
  local state = obj.status.state
  hs.message = "NIMService " .. state
  if state == "Ready" then
    hs.status = "Healthy"
  elseif state == "Failed" then
    hs.status = "Degraded"
  end
end
return hs
`;

// NVIDIA/k8s-nim-operator api/apps/v1alpha1/nimcache_types.go L197-221 (states); internal/controller/
// nimcache_controller.go L190-196 (NotReady = a failed reconcile, condition NIM_CACHE_RECONCILE_FAILED), L554
// (PVC-Created), L765 (Started), L783-838 (the caching Job: Ready when it succeeded, Failed when it failed,
// InProgress while it runs, Pending otherwise).
const nimCacheLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the NIM operator to report status.state"
if obj.status ~= nil and obj.status.state ~= nil then
  local state = obj.status.state
  hs.message = "NIMCache " .. state
  if state == "Ready" then
    hs.status = "Healthy"
  elseif state == "Failed" then
    hs.status = "Degraded"
    hs.message = "the model download job failed"
  elseif state == "NotReady" then
    hs.status = "Degraded"
    if obj.status.conditions ~= nil then
      for _, c in ipairs(obj.status.conditions) do
        if c.type == "NIM_CACHE_RECONCILE_FAILED" and c.status == "True" and c.message ~= nil then
          hs.message = c.message
        end
      end
    end
  end
end
return hs
`;

// openshift/cluster-nfd-operator api/v1/nodefeaturediscovery_types.go L130-137 (status is conditions only);
// internal/status/status.go L104-141 (worker DaemonSet, then master and GC Deployments), L282-300 (Degraded while
// no pod is available yet or none is scheduled: the normal start-up; "number of desired nodes for scheduling is 0":
// nothing to run on), L305-400 (Available / Progressing / Degraded sets).
const nodeFeatureDiscoveryLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the NFD operator's conditions"
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local terminal = {
  FailedGettingNFDWorkerDaemonSet = true,
  FailedGettingNFDTopologyDaemonSet = true,
  FailedGettingNFDMasterDeployment = true,
  FailedGettingNFDGCDeployment = true,
}
for _, c in ipairs(obj.status.conditions) do
  if c.status == "True" then
    if c.type == "Available" then
      hs.status = "Healthy"
      hs.message = "NFD operands available"
      return hs
    elseif c.type == "Degraded" then
      if c.message ~= nil then
        hs.message = c.message
      end
      if terminal[c.reason] or c.message == "number of desired nodes for scheduling is 0" then
        hs.status = "Degraded"
      end
    elseif c.type == "Progressing" and c.message ~= nil then
      hs.message = c.message
    end
  end
end
return hs
`;

// openshift/lvm-operator api/v1alpha1/lvmcluster_types.go L325-333 (Progressing|Ready|Failed|Degraded|Unknown);
// internal/controllers/lvmcluster/status.go L140-184 (Degraded: a volume group not as configured on a node).
const lvmClusterLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the LVM operator to report status.state"
if obj.status ~= nil and obj.status.state ~= nil then
  local state = obj.status.state
  hs.message = "LVMCluster " .. state
  if state == "Ready" then
    hs.status = "Healthy"
  elseif state == "Failed" or state == "Degraded" then
    hs.status = "Degraded"
  end
end
return hs
`;

// operator-framework/api pkg/operators/v1alpha1/catalogsource_types.go L36-45 (error reasons), L222-245
// (connectionState.lastObservedState: a gRPC connectivity state, READY once the catalog serves). Argo CD has no
// built-in check for CatalogSource, so without this one it is Healthy the moment it is applied.
const catalogSourceLua = `local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the catalog's registry connection"
if obj.status == nil then
  return hs
end
if obj.status.connectionState ~= nil and obj.status.connectionState.lastObservedState ~= nil then
  hs.message = "registry connection " .. obj.status.connectionState.lastObservedState
  if obj.status.connectionState.lastObservedState == "READY" then
    hs.status = "Healthy"
    return hs
  end
end
local errors = { SpecInvalidError = true, ConfigMapError = true, RegistryServerError = true, InvalidIntervalError = true }
if obj.status.reason ~= nil and errors[obj.status.reason] then
  hs.status = "Degraded"
  hs.message = obj.status.reason
  if obj.status.message ~= nil and obj.status.message ~= "" then
    hs.message = obj.status.message
  end
end
return hs
`;

/**
 * Our checks. Kinds Argo CD already checks itself are left to it: Subscription (AtLatestKnown), SealedSecret
 * (Synced condition), ClickHouseInstallation (argo-cd >= 3.2). The ClusterServiceVersion is not here: a CSV is
 * created by OLM, never by Argo CD, and Argo CD sums health over managed resources only (controller/health.go).
 */
export const healthChecks: readonly HealthCheck[] = [
    // argoproj/argo-cd controller/health.go, docs/operator-manual/health.md
    { group: "argoproj.io", kind: "Application", check: applicationLua },
    // NVIDIA/gpu-operator controllers/clusterpolicy_controller.go
    { group: "nvidia.com", kind: "ClusterPolicy", check: clusterPolicyLua },
    // NVIDIA/k8s-nim-operator api/apps/v1alpha1/nimservice_types.go
    { group: "apps.nvidia.com", kind: "NIMService", check: nimServiceLua },
    // NVIDIA/k8s-nim-operator internal/controller/nimcache_controller.go
    { group: "apps.nvidia.com", kind: "NIMCache", check: nimCacheLua },
    // openshift/cluster-nfd-operator internal/status/status.go
    { group: "nfd.openshift.io", kind: "NodeFeatureDiscovery", check: nodeFeatureDiscoveryLua },
    // openshift/lvm-operator api/v1alpha1/lvmcluster_types.go
    { group: "lvm.topolvm.io", kind: "LVMCluster", check: lvmClusterLua },
    // operator-framework/api pkg/operators/v1alpha1/catalogsource_types.go
    { group: "operators.coreos.com", kind: "CatalogSource", check: catalogSourceLua },
];

// Kinds the platform deploys whose check is Argo CD's own (argo-cd resource_customizations/<group>/<kind>/health.lua):
// we ship none for them. operators.coreos.com Subscription (since argo-cd 1.x), bitnami.com SealedSecret (2.x),
// clickhouse.altinity.com ClickHouseInstallation (v3.2.0, c447628913). test/health.test.ts holds both facts against
// the vendored list test/schemas/argo-cd-builtin-health-checks.txt.

/** The same checks in argocd-cm key style, for the upstream Helm chart's `configs.cm`. */
export function healthChecksAsArgoCdCm(): Record<string, string> {
    return Object.fromEntries(healthChecks.map((h) => [`resource.customizations.health.${h.group}_${h.kind}`, h.check]));
}
