/**
 * Who is working on a running step. A worker holds the step's lease from before the step is
 * recorded as running until its result is committed; the sweeper interrupts a running step
 * whose lease nobody holds. The lease's life is the worker process's, not its event loop's: a
 * busy machine never loses one, a dead process never keeps one.
 */
export interface StepLeases {
  /** Holds the lease named `key` (a job's idempotency key); the returned function gives it back. */
  hold(key: string): Promise<() => Promise<void>>;
  /** Which of `keys` some live worker holds. */
  held(keys: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** Another worker already works on this job: the job is a duplicate and must not run. */
export class LeaseBusy extends Error {
  constructor(key: string) {
    super(`another worker holds the lease of ${key}`);
    this.name = "LeaseBusy";
  }
}
