import { z } from "zod";
import { backupNameProblem } from "../backup-files";

/** The database target's name, as a runbook's `ref` input passes it. */
export const databaseField = z.string().trim().min(1, "Choose a database");

/** A backup's bare file name; anything with a directory part is refused before any file is touched. */
export const backupField = z
  .string()
  .trim()
  .min(1, "Choose a backup")
  .superRefine((name, ctx) => {
    const problem = backupNameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
