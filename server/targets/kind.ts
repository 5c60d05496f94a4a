import type { z } from "zod";

/** A kind of target (service, database, allowlist): how its config is validated and summarised. */
export type TargetKindDefinition<Config = unknown> = {
  kind: string;
  label: string;
  schema: z.ZodType<Config>;
  /** One line for lists ("git rollback, health at http://…"); never a secret value. */
  describe(config: Config): string;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of kinds with different configs
export type AnyTargetKind = TargetKindDefinition<any>;

export function defineTargetKind<Config>(definition: TargetKindDefinition<Config>): TargetKindDefinition<Config> {
  return definition;
}
