/**
 * The parts of @pulumi/kubernetes the program uses, imported by submodule: the package's index loads every API
 * group (and its yaml module pulls in glob), which a plan never needs. Helm is loaded where the helm flavor runs.
 */
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as core from "./core";
export * as rbac from "./rbac";
export { Provider } from "@pulumi/kubernetes/provider";
