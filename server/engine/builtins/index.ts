import { StepRegistry } from "../registry";
import { auditChainCheck } from "./audit-chain-check";
import { registerSecretRotation } from "./secrets";
import { waitAction } from "./wait-action";

/** The actions and checks every Keel has. */
export function createBuiltinRegistry(): StepRegistry {
  return registerSecretRotation(new StepRegistry().registerCheck(auditChainCheck).registerAction(waitAction));
}
