import { addAllowlistEntryAction } from "../../allowlist/actions/add-entry";
import { classifyRangeCheck } from "../../allowlist/actions/classify-range";
import { removeAllowlistEntryAction } from "../../allowlist/actions/remove-entry";
import {
  backupCreateAction,
  backupListCheck,
  backupRestoreAction,
  backupVerifyCheck,
  databaseHealthCheck,
  recoveryTimeCheck,
} from "../../backups/steps";
import { StepRegistry } from "../registry";
import { auditChainCheck } from "./audit-chain-check";
import { deployRollbackAction } from "./deploy-rollback";
import { recordReleaseAction } from "./record-release-action";
import { releaseKnownCheck } from "./release-known-check";
import { registerSecretRotation } from "./secrets";
import { serviceHealthyCheck } from "./service-healthy-check";
import { waitAction } from "./wait-action";

/** The actions and checks every Keel has. */
export function createBuiltinRegistry(): StepRegistry {
  return registerSecretRotation(
    new StepRegistry()
      .registerCheck(auditChainCheck)
      .registerAction(waitAction)
      .registerCheck(classifyRangeCheck)
      .registerAction(addAllowlistEntryAction)
      .registerAction(removeAllowlistEntryAction)
      .registerAction(backupCreateAction)
      .registerAction(backupRestoreAction)
      .registerCheck(backupListCheck)
      .registerCheck(backupVerifyCheck)
      .registerCheck(databaseHealthCheck)
      .registerCheck(recoveryTimeCheck)
      .registerAction(deployRollbackAction)
      .registerAction(recordReleaseAction)
      .registerCheck(releaseKnownCheck)
      .registerCheck(serviceHealthyCheck),
  );
}
