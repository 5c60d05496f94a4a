import { backupCreateAction, backupListCheck, backupRestoreAction, backupVerifyCheck, databaseHealthCheck, recoveryTimeCheck } from "../../backups/steps";
import { StepRegistry } from "../registry";
import { auditChainCheck } from "./audit-chain-check";
import { waitAction } from "./wait-action";

/** The actions and checks every Keel has. */
export function createBuiltinRegistry(): StepRegistry {
  return new StepRegistry()
    .registerCheck(auditChainCheck)
    .registerAction(waitAction)
    .registerAction(backupCreateAction)
    .registerAction(backupRestoreAction)
    .registerCheck(backupListCheck)
    .registerCheck(backupVerifyCheck)
    .registerCheck(databaseHealthCheck)
    .registerCheck(recoveryTimeCheck);
}
