import { serviceKind } from "../services/service-kind";
import { allowlistTargetKind } from "../allowlist/target-kind";
import { databaseTargetKind } from "../backups/database-target";
import { secretConsumerKind } from "../secrets/consumers/kind";
import type { AnyTargetKind } from "./kind";

/**
 * Every kind of target Keel knows, registered by the module that acts on it. A runbook's `ref`
 * input of type X offers the targets of kind X; the `secret` kind offers managed secrets.
 */
export const TARGET_KINDS: readonly AnyTargetKind[] = [
  allowlistTargetKind,
  secretConsumerKind,
  databaseTargetKind,
  serviceKind,
];

export function targetKind(kind: string): AnyTargetKind | undefined {
  return TARGET_KINDS.find((k) => k.kind === kind);
}
