import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { ActionDefinition } from "../actions/types";

const input = z.strictObject({
  seconds: z.number().int().min(1).max(3600),
  reason: z.string().max(200).default("Let the change settle"),
});

/** Waits, showing progress: "give the deploy five minutes before checking the error rate". */
export const waitAction: ActionDefinition<z.infer<typeof input>> = {
  name: "keel.wait",
  title: "Wait",
  description: "Waits a number of seconds, with progress, before the run moves on. Changes nothing.",
  input,
  async plan({ seconds, reason }) {
    return { summary: `Wait ${seconds} seconds (${reason}). Nothing changes.`, changes: [] };
  },
  async execute({ seconds, reason }, context) {
    context.log(`Waiting ${seconds}s: ${reason}`, "info");
    for (let elapsed = 1; elapsed <= seconds; elapsed++) {
      await sleep(1000, undefined, { signal: context.signal });
      context.progress(elapsed / seconds, `${elapsed} of ${seconds} seconds`);
      context.log(`waited ${elapsed}/${seconds}s`);
    }
    return { summary: `Waited ${seconds} seconds.`, output: { waitedSeconds: seconds } };
  },
};
