import type { AnyAction, AnyCheck } from "../../actions/types";
import type { StepRegistry } from "../../registry";
import { consumersAcceptCheck } from "./consumers-accept";
import { createPendingAction, discardPendingAction } from "./create-pending";
import { distributeAction, restoreConsumersAction } from "./distribute";
import { promoteAction } from "./promote";
import { retirePreviousAction } from "./retire-previous";
import { withPlainPlanErrors } from "./shared";

/** The steps of a secret rotation (runbooks/rotate-secret.yaml) and their compensations. */
export const SECRET_ROTATION_ACTIONS: readonly AnyAction[] = [
  createPendingAction,
  discardPendingAction,
  distributeAction,
  restoreConsumersAction,
  promoteAction,
  retirePreviousAction,
].map((action: AnyAction) => withPlainPlanErrors(action));
export const SECRET_ROTATION_CHECKS: readonly AnyCheck[] = [consumersAcceptCheck];

export function registerSecretRotation(
  registry: StepRegistry,
  actions: readonly AnyAction[] = SECRET_ROTATION_ACTIONS,
): StepRegistry {
  for (const action of actions) registry.registerAction(action);
  for (const check of SECRET_ROTATION_CHECKS) registry.registerCheck(check);
  return registry;
}
