import type { StepJob } from "./step-job";

/** A job in flight, as the instance registry shows it. */
export type JobInFlight = { runId: string; stepId: string; phase: string; since: string };

/** The jobs this process is working on, so that a stopping process can wait for them and the admin page can show them. */
export class InFlightJobs {
  private readonly running = new Map<Promise<unknown>, JobInFlight | null>();

  get size(): number {
    return this.running.size;
  }

  async track<T>(work: () => Promise<T>, job?: StepJob): Promise<T> {
    const promise = work();
    this.running.set(
      promise,
      job ? { runId: job.runId, stepId: job.stepId, phase: job.phase, since: new Date().toISOString() } : null,
    );
    try {
      return await promise;
    } finally {
      this.running.delete(promise);
    }
  }

  /** What is being executed now. */
  jobs(): JobInFlight[] {
    return [...this.running.values()].filter((job): job is JobInFlight => job !== null);
  }

  /** Resolves true once no job is in flight, or false when `timeoutMs` passes first. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      while (this.running.size > 0) {
        const done = await Promise.race([
          Promise.allSettled([...this.running.keys()]).then(() => true as const),
          timeout,
        ]);
        if (!done) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
