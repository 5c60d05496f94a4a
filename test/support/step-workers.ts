import { spawn, type ChildProcess } from "node:child_process";
import { and, eq } from "drizzle-orm";
import type { Database, DatabaseTarget } from "../../db/client";
import { runSteps } from "../../db/schema";
import type { StepJob } from "../../server/engine/jobs/step-job";

export type StepWorker = {
  child: ChildProcess;
  /** The action is under way (its effect applied, for the gated test action). */
  reached: Promise<void>;
  /** The job ended and the process is about to exit by itself. */
  done: Promise<void>;
  /** How the process ended: a signal name or "exit code N". */
  exited: Promise<string>;
  output(): string;
};

/** Runs `job` in a real worker process (test/fixtures/processes/step-worker.ts) on `target`. */
export function startStepWorker(target: DatabaseTarget, job: StepJob): StepWorker {
  // Node with tsx's loader, not the tsx CLI: the CLI runs the script in a child of its own, which SIGKILL would leave running.
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/processes/step-worker.ts"], {
    env: {
      ...process.env,
      CRASH_TARGET: JSON.stringify(target),
      CRASH_JOB: JSON.stringify(job),
      KEEL_LOG_FILE: "",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? `exit code ${code}`)),
  );
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const listen = () => output.includes(word) && resolve();
      child.stdout!.on("data", listen);
      void exited.then((how) =>
        reject(new Error(`the worker exited (${how}) before saying ${word}:\n${output.slice(-4000)}`)),
      );
    });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const reached = said("REACHED");
  const done = said("DONE");
  reached.catch(() => undefined);
  done.catch(() => undefined);
  return { child, reached, done, exited, output: () => output };
}

/** Kills the worker as a crash would (SIGKILL) and waits until it is gone. */
export async function killStepWorker(worker: StepWorker): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
  await worker.exited;
}

export async function stepStatus(db: Database, runId: string, stepId: string): Promise<string | undefined> {
  const [step] = await db
    .select({ status: runSteps.status })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.stepId, stepId)));
  return step?.status;
}

/** Polls until the step leaves `status`; returns the new status, or throws after `timeoutMs`. */
export async function waitWhileStatus(
  db: Database,
  runId: string,
  stepId: string,
  status: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await stepStatus(db, runId, stepId);
    if (now !== status) return now ?? "gone";
    if (Date.now() > deadline) throw new Error(`the step was still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls until the step is in `status`; throws after `timeoutMs` naming the last status seen. */
export async function waitForStatus(
  db: Database,
  runId: string,
  stepId: string,
  status: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let now: string | undefined;
  while ((now = await stepStatus(db, runId, stepId)) !== status) {
    if (Date.now() > deadline)
      throw new Error(`the step was ${now ?? "missing"}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
