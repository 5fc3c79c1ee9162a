export * as v1 from "@pulumi/kubernetes/rbac/v1";
