import { show } from "../lib/problems";
import { full } from "./types";

/** The GitOps repository's URL and the credentials its access mode needs. */
export function checkRepository(
    gitops: { repoUrl?: string; github?: { owner: string; repository: string } },
    access: string,
    ours: Map<string, unknown>,
    problems: string[],
): void {
    const url = gitops.repoUrl;
    // A malformed URL is one problem; what does not depend on the URL is still checked (every problem at once).
    const valid = !url || /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+@[^\s/]+\/\S+|[\w.-]+@[\w.-]+:\S+)$/.test(url);
    if (!valid) problems.push(`${full("gitops")}.repoUrl: ${show(url)} is not a repository URL; use https://host/org/repo.git or git@host:org/repo.git`);
    const ssh = valid && !!url && !url.startsWith("https://");
    const https = valid && !!url && url.startsWith("https://");
    if (access === "deployKey" && https) {
        problems.push(`${full("gitops")}.access: "deployKey" needs an SSH URL, but repoUrl is ${show(url)}; use git@github.com:<owner>/<repo>.git, or access: token`);
    }
    if (access === "deployKey" && !gitops.github) {
        problems.push(`${full("gitops")}.github: deploy keys are registered on GitHub; set github.owner and github.repository`);
    }
    if (access === "deployKey" && !ours.has("githubToken")) {
        problems.push(`${full("githubToken")}: registering the deploy key needs a GitHub token; run: pulumi config set --secret githubToken <token>`);
    }
    if (access === "token" && !ours.has("repoToken")) {
        problems.push(`${full("repoToken")}: a private repository read over HTTPS needs a token; run: pulumi config set --secret repoToken <token>`);
    }
    if (access === "public" && ssh) {
        problems.push(`${full("gitops")}.access: "public" cannot read ${show(url)} over SSH; use the https:// URL, or access: deployKey`);
    }
}

