export { backupCreateAction } from "./backup-create-action";
export { backupListCheck } from "./backup-list-check";
export { backupRestoreAction } from "./backup-restore-action";
export { backupVerifyCheck } from "./backup-verify-check";
export { databaseHealthCheck } from "./database-health-check";
export { recoveryTimeCheck } from "./recovery-time-check";
