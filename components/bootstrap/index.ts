export * from "./argocd";
export * from "./sealedSecretsKey";
export * from "./repositoryAccess";
export * from "./rootApp";
export * from "./namespaces";
