/**
 * @pulumi/policy 1.21.0 exports `unknownCheckingProxy` and `UnknownValueError` "so policy-pack test helpers can mirror
 * real runtime semantics" (its CHANGELOG), but its .d.ts files strip them as @internal; `deserializeProperties` is the
 * function its server deserializes with (deserialize.js). Typed here, once.
 */
import * as policySdk from "@pulumi/policy";
import * as deserialize from "@pulumi/policy/deserialize";

interface UnknownValueErrorClass {
    new (sentinel: string, props: string[]): Error & { readonly props: string[] };
}

const sdk = policySdk as unknown as { UnknownValueError: UnknownValueErrorClass; unknownCheckingProxy: <T>(value: T) => T };
export const UnknownValueError: UnknownValueErrorClass = sdk.UnknownValueError;
export const unknownCheckingProxy: <T>(value: T) => T = sdk.unknownCheckingProxy;
export const deserializeProperties = (deserialize as unknown as {
    deserializeProperties: (struct: { toJavaScript(): unknown }, keepSecrets: boolean) => Record<string, unknown>;
}).deserializeProperties;
