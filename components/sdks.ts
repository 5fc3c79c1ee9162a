/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The program's optional SDKs, loaded when a feature needs them (GitHub delivery, deploy keys, cert-manager): a
 * stack without those features never loads them.
 */
export const githubSdk = () => require("@pulumi/github") as typeof import("@pulumi/github");
export const tlsSdk = () => require("@pulumi/tls") as typeof import("@pulumi/tls");
export const certManagerSdk = () => require("@pulumi/kubernetes-cert-manager") as typeof import("@pulumi/kubernetes-cert-manager");
