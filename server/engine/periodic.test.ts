import { afterEach, describe, expect, it, vi } from "vitest";
import { startPeriodic } from "./periodic";

afterEach(() => vi.useRealTimers());

describe("startPeriodic", () => {
  it("runs at start and every interval, never two at once, until stopped", async () => {
    vi.useFakeTimers();
    let runs = 0;
    let release: () => void = () => undefined;
    const task = () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    };
    const stop = startPeriodic(task, { everyMs: 1000, onError: () => undefined });
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3000); // the first run is still going: no overlap
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    stop();
    release();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(2);
  });

  it("stops only once a run in progress has finished", async () => {
    let release: () => void = () => undefined;
    let finished = false;
    const stop = startPeriodic(
      () => new Promise<void>((resolve) => (release = resolve)).then(() => void (finished = true)),
      { everyMs: 1000, onError: () => undefined },
    );
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
  });

  it("waits firstAfterMs before the first run, and reports a failure and tries again", async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const stop = startPeriodic(
      async () => {
        runs++;
        throw new Error(`run ${runs}`);
      },
      { everyMs: 1000, firstAfterMs: 500, onError: (error) => errors.push(error) },
    );
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1500); // the interval counts from start: runs at 1 s and 2 s
    expect(runs).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(["run 1", "run 2", "run 3"]);
    stop();
  });

  it("runs once and never again with everyMs 0", async () => {
    vi.useFakeTimers();
    let runs = 0;
    startPeriodic(async () => void runs++, { everyMs: 0, onError: () => undefined });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(1);
  });
});
