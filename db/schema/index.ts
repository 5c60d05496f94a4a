export * from "./users";
export * from "./audit";
export * from "./runbooks";
export * from "./runs";
export * from "./secrets";
export * from "./targets";
export * from "./settings";
export * from "./allowlist";
