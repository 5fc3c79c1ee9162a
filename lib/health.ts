/**
 * Health gates. Pulumi waits on `pulumi.com/waitFor` (@pulumi/kubernetes >= 4.18.4); Argo CD judges custom
 * resources by Lua health checks. Both are plain data here.
 */

/** Every entry of the JSON array must hold: Argo CD reports the Application Synced and Healthy. */
export const applicationWaitFor = JSON.stringify([
    "jsonpath={.status.health.status}=Healthy",
    "jsonpath={.status.sync.status}=Synced",
]);

export interface HealthCheck {
    readonly group: string;
    readonly kind: string;
    readonly check: string;
}

// Argo CD stopped assessing argoproj.io/Application health in 1.8; without this an app-of-apps never waits for its
// children, and a gate on saif-apps would pass at once.
const applicationLua = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/** Healthy when `status.<field>` equals `ready`; Degraded on `failed`; Progressing otherwise. */
function stateLua(field: string, ready: string, failed: string): string {
    return `hs = {}
hs.status = "Progressing"
hs.message = "waiting for status.${field} = ${ready}"
if obj.status ~= nil and obj.status.${field} ~= nil then
  if obj.status.${field} == "${ready}" then
    hs.status = "Healthy"
    hs.message = "${ready}"
  elseif obj.status.${field} == "${failed}" then
    hs.status = "Degraded"
    hs.message = obj.status.${field}
  else
    hs.message = obj.status.${field}
  end
end
return hs
`;
}

// The built-in Subscription check calls an operator Healthy before its CSV succeeds; the CSV is the real signal.
const csvLua = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.phase ~= nil then
  hs.message = obj.status.phase
  if obj.status.phase == "Succeeded" then
    hs.status = "Healthy"
  elseif obj.status.phase == "Failed" then
    hs.status = "Degraded"
  end
end
return hs
`;

/** Argo CD health checks for the kinds the catalog's operators create, so that Healthy means installed and ready. */
export const healthChecks: readonly HealthCheck[] = [
    { group: "argoproj.io", kind: "Application", check: applicationLua },
    { group: "operators.coreos.com", kind: "ClusterServiceVersion", check: csvLua },
    { group: "nvidia.com", kind: "ClusterPolicy", check: stateLua("state", "ready", "notReady") },
    { group: "apps.nvidia.com", kind: "NIMService", check: stateLua("state", "Ready", "Failed") },
    { group: "nfd.openshift.io", kind: "NodeFeatureDiscovery", check: stateLua("phase", "Available", "Degraded") },
    { group: "lvm.topolvm.io", kind: "LVMCluster", check: stateLua("state", "Ready", "Failed") },
    { group: "clickhouse.altinity.com", kind: "ClickHouseInstallation", check: stateLua("status", "Completed", "Aborted") },
];

/** The same checks in argocd-cm key style, for the upstream Helm chart's `configs.cm`. */
export function healthChecksAsArgoCdCm(): Record<string, string> {
    return Object.fromEntries(healthChecks.map((h) => [`resource.customizations.health.${h.group}_${h.kind}`, h.check]));
}
