import { LeaseBusy, type StepLeases } from "./step-leases";

/**
 * Embedded PGlite: only this process opens the database, so a step is alive exactly when this
 * process works on it; a lease is an entry in memory.
 */
export class LocalStepLeases implements StepLeases {
  private readonly keys = new Set<string>();

  async hold(key: string): Promise<() => Promise<void>> {
    if (this.keys.has(key)) throw new LeaseBusy(key);
    this.keys.add(key);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.keys.delete(key);
    };
  }

  async held(keys: string[]): Promise<Set<string>> {
    return new Set(keys.filter((key) => this.keys.has(key)));
  }

  async close(): Promise<void> {
    this.keys.clear();
  }
}
