import { deepMerge } from "./merge";

/**
 * A Helm component taken straight from the site's chart mirror: Argo CD cannot redirect the `repository:` of an
 * umbrella chart's dependency (its repo-server runs `helm dependency build` against the URL in Chart.yaml, argo-cd
 * util/helm/helm.go `DependencyBuild`), so with `mirror.chartRepository` the Application's source is the pinned chart
 * itself, from the mirror, with the values the umbrella would have passed it (apps/<component>/values.yaml under the
 * dependency's name, then the stack's). The umbrella charts hold no templates of their own, so both render alike.
 */
export interface UmbrellaChart {
    readonly dependency: { readonly name: string; readonly version: string; readonly alias?: string };
    /** apps/<component>/values.yaml */
    readonly values: unknown;
}

export function mirroredChart(umbrella: UmbrellaChart, stackValues: Readonly<Record<string, unknown>> | undefined, repoURL: string):
    { repoURL: string; name: string; version: string; values: Record<string, unknown> } {
    const key = umbrella.dependency.alias ?? umbrella.dependency.name;
    const merged = deepMerge(umbrella.values ?? {}, stackValues ?? {}) as Record<string, unknown>;
    const values = merged[key];
    return {
        repoURL,
        name: umbrella.dependency.name,
        version: umbrella.dependency.version.replace(/^v/, ""),
        values: values && typeof values === "object" && !Array.isArray(values) ? values as Record<string, unknown> : {},
    };
}
