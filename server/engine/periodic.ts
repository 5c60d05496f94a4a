/**
 * Runs `task` at start (or after `firstAfterMs`) and then every `everyMs`, never two at once in
 * this process; a failure goes to `onError` and the task runs again at the next interval. The
 * timers do not keep the process alive. Returns the stop function. Passing `everyMs: 0` runs
 * the task once and never again. The stop function's promise settles once a run in progress
 * has finished, so whoever stops it can rely on no run overlapping what they do next.
 */
export function startPeriodic(
  task: () => Promise<unknown>,
  options: { everyMs: number; firstAfterMs?: number; onError: (error: unknown) => void },
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = task()
      .then(() => undefined, options.onError)
      .finally(() => (running = null));
  };
  let first: ReturnType<typeof setTimeout> | undefined;
  if (options.firstAfterMs === undefined) run();
  else {
    first = setTimeout(run, options.firstAfterMs);
    first.unref();
  }
  const timer = options.everyMs > 0 ? setInterval(run, options.everyMs) : undefined;
  timer?.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
