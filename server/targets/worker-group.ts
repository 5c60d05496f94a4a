import { workerGroupName } from "@/lib/worker-groups";
import type { AnyTargetKind } from "./kind";

type Parsed =
  | { success: true; data: Record<string, unknown> }
  | { success: false; issues: { path: (string | number)[]; message: string }[] };

/**
 * Any target may name the worker group whose instances execute the steps acting on it
 * (`workerGroup`); the rest of its config is its kind's. Validated apart so each kind's own
 * schema stays strict and unaware of where its steps run.
 */
export function parseTargetConfig(kind: AnyTargetKind, config: unknown): Parsed {
  const { workerGroup, ...rest } = (config && typeof config === "object" ? config : {}) as Record<string, unknown>;
  const own = kind.schema.safeParse(config && typeof config === "object" ? rest : config);
  const group = workerGroup === undefined ? null : workerGroupName.safeParse(workerGroup);
  const issues = [
    ...(own.success
      ? []
      : own.error.issues.map((i) => ({
          path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
          message: i.message,
        }))),
    ...(group && !group.success ? group.error.issues.map((i) => ({ path: ["workerGroup"], message: i.message })) : []),
  ];
  if (issues.length > 0 || !own.success) return { success: false, issues };
  return {
    success: true,
    data: { ...(own.data as Record<string, unknown>), ...(group?.success ? { workerGroup: group.data } : {}) },
  };
}
