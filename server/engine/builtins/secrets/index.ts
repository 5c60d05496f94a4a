import type { StepRegistry } from "../../registry";
import { consumersAcceptCheck } from "./consumers-accept";
import { createPendingAction, discardPendingAction } from "./create-pending";
import { distributeAction, restoreConsumersAction } from "./distribute";
import { promoteAction } from "./promote";
import { retirePreviousAction } from "./retire-previous";

/** The steps of a secret rotation (runbooks/rotate-secret.yaml) and their compensations. */
export function registerSecretRotation(registry: StepRegistry): StepRegistry {
  return registry
    .registerAction(createPendingAction)
    .registerAction(discardPendingAction)
    .registerAction(distributeAction)
    .registerAction(restoreConsumersAction)
    .registerCheck(consumersAcceptCheck)
    .registerAction(promoteAction)
    .registerAction(retirePreviousAction);
}
