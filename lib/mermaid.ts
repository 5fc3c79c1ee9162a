import { tierNames } from "../components/catalog/types";
import { formatDuration, type ClusterPlan } from "./plan";

const id = (name: string) => `c_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

/**
 * The deployment graph as a Mermaid flowchart: the bootstrap, then each tier as a subgraph, one edge per dependency,
 * the critical path (under dependsOn gates) in red, GPU components in NVIDIA green.
 */
export function renderMermaid(plan: ClusterPlan): string {
    const lines = ["flowchart TD"];
    const edges: string[] = [];
    const critical = new Set(plan.gated.criticalPath);
    const criticalEdges: number[] = [];

    lines.push(`  subgraph bootstrap[${label("Bootstrap")}]`, "    direction TB");
    plan.bootstrap.forEach((step, i) => lines.push(`    b${i}[${label(step)}]`));
    lines.push("  end");
    for (let i = 1; i < plan.bootstrap.length; i++) edges.push(`  b${i - 1} --> b${i}`);

    const tiers = [...new Set(plan.order.map((c) => c.tier))].sort();
    for (const tier of tiers) {
        lines.push(`  subgraph tier${tier}[${label(`Tier ${tier}: ${tierNames[tier]}`)}]`);
        for (const c of plan.order.filter((x) => x.tier === tier)) {
            const text = `${c.name}${c.gpuOnly ? " (GPU)" : ""}<br/>wave ${plan.derivedWave.get(c.name)}, ~${formatDuration(c.estimateSeconds)}`;
            lines.push(`    ${id(c.name)}[${label(text)}]`);
        }
        lines.push("  end");
        edges.push(`  b${plan.bootstrap.length - 1} --> tier${tier}`);
    }
    for (const c of plan.order) {
        for (const d of c.dependsOn) {
            if (critical.has(c.name) && critical.has(d) && plan.gated.criticalPath.indexOf(d) + 1 === plan.gated.criticalPath.indexOf(c.name)) {
                criticalEdges.push(edges.length);
            }
            edges.push(`  ${id(d)} --> ${id(c.name)}`);
        }
    }
    lines.push(...edges);
    lines.push("  classDef critical stroke:#d62728,stroke-width:3px");
    lines.push("  classDef gpu fill:#e8f5d0,stroke:#76b900");
    const gpu = plan.order.filter((c) => c.gpuOnly).map((c) => id(c.name));
    if (gpu.length > 0) lines.push(`  class ${gpu.join(",")} gpu`);
    if (critical.size > 0) lines.push(`  class ${[...critical].map(id).join(",")} critical`);
    if (criticalEdges.length > 0) lines.push(`  linkStyle ${criticalEdges.join(",")} stroke:#d62728,stroke-width:3px`);
    return `${lines.join("\n")}\n`;
}
