export * from "./engine";
export * from "./program";
export * from "./providerHost";
export * from "./policyHost";
export * from "./secrets";
