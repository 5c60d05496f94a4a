import { spawn, type ChildProcess } from "node:child_process";

export type KeelInstance = { child: ChildProcess; port: Promise<number>; exited: Promise<string>; output(): string };

/**
 * Starts a real Keel process (test/fixtures/processes/keel-instance.ts) with `env` on top of
 * this one's. `port` settles once it listens, or rejects with its output if it exits first.
 */
export function startKeelInstance(env: Record<string, string>): KeelInstance {
  // Node with tsx's loader, not the tsx CLI: the CLI runs the script in a child of its own, which SIGKILL would orphan.
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/processes/keel-instance.ts"], {
    env: { ...process.env, LOG_LEVEL: "warn", KEEL_LOG_FILE: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? `exit code ${code}`)),
  );
  const port = new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const match = /LISTENING (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((how) =>
      reject(new Error(`the instance exited (${how}) before listening:\n${output.slice(-4000)}`)),
    );
  });
  port.catch(() => undefined);
  return { child, port, exited, output: () => output };
}

/** Polls the instance's /api/healthz until it answers 200; fails when the process exits or `timeoutMs` passes. */
export async function waitUntilHealthy(instance: KeelInstance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const port = await Promise.race([
    instance.port,
    sleepUntil(deadline).then(() =>
      Promise.reject(new Error(`no LISTENING within ${timeoutMs} ms:\n${instance.output().slice(-4000)}`)),
    ),
  ]);
  let last = "";
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null)
      throw new Error(`the instance exited after listening:\n${instance.output().slice(-4000)}`);
    const answer = await fetch(`http://127.0.0.1:${port}/api/healthz`).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      (error: unknown) => ({ status: 0, body: String(error) }),
    );
    if (answer.status === 200) return;
    last = `${answer.status} ${answer.body}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/api/healthz never answered 200 (last: ${last})`);
}

/** Kills the instance (SIGKILL) and waits until it is gone. */
export async function killKeelInstance(instance: KeelInstance): Promise<void> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill("SIGKILL");
  await instance.exited;
}

function sleepUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
}
