import type { StepContext } from "../engine/actions/types";
import type { SinkContext } from "./sinks/sink";

/** A step's context as a sink sees it: output lines go to the run page, secrets are redacted there. */
export function sinkContextOf(context: StepContext): SinkContext {
  return {
    db: context.db,
    log: (line) => context.log(line),
    registerSecret: (value) => context.registerSecret(value),
    signal: context.signal,
    resumed: context.resumed,
  };
}

/** "its one sink" / "all 3 sinks", for summaries. */
export function allSinks(count: number): string {
  return count === 1 ? "its one sink" : `all ${count} sinks`;
}
