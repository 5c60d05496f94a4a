import { z } from "zod";

/** Removing the demo cannot be undone, so the call itself must say it means it. */
export const removeDemoInput = z.object({
  confirm: z.literal(true, { message: "Confirm that the demo environment should be removed" }),
});
