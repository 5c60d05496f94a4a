import { z } from "zod";

/**
 * Zod's own words for a missing value ("Invalid input: expected string, received undefined") mean
 * nothing to a person filling in a form. A required field left out is said plainly; every other
 * message is the schema's own. Imported for its effect by field-errors.ts, which every form and the
 * server's error envelope use to report fields, so it is in force wherever those messages are made.
 */
z.config({
  customError: (issue) =>
    issue.code === "invalid_type" && issue.input === undefined ? "This field is required." : undefined,
});
