import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** How target configuration declares a command: an absolute executable and its arguments, never a shell string. */
export const commandSpec = z.strictObject({
  executable: z.string().refine((p) => path.isAbsolute(p), "use an absolute path to the executable"),
  args: z.array(z.string()).default([]),
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
});
export type CommandSpec = z.infer<typeof commandSpec>;

export type CommandRun = {
  /** Secrets go here, never into args (which any process can read from /proc). */
  env?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
};

export type CommandResult = { exitCode: number | null; signal: NodeJS.Signals | null; timedOut: boolean };

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/** The executable exists, is a file and may be executed; says which otherwise. */
export function checkExecutable(executable: string): void {
  try {
    if (!statSync(executable).isFile()) throw new CommandError(`${executable} is not a file`);
    accessSync(executable, constants.X_OK);
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(
      `${executable} cannot be executed: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/**
 * Runs a declared command without a shell, with a minimal environment (PATH plus what the caller
 * passes), a timeout (SIGTERM, then SIGKILL), and its output as lines.
 */
export function runCommand(spec: CommandSpec, run: CommandRun = {}): Promise<CommandResult> {
  checkExecutable(spec.executable);
  return new Promise((resolve, reject) => {
    const child = spawn(spec.executable, spec.args, {
      shell: false,
      cwd: run.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...run.env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    }, spec.timeoutSeconds * 1000);
    const onAbort = () => child.kill("SIGTERM");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    for (const [stream, source] of [
      ["stdout", child.stdout],
      ["stderr", child.stderr],
    ] as const) {
      let pending = "";
      source.setEncoding("utf8");
      source.on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) run.onLine?.(line, stream);
      });
      source.on("end", () => {
        if (pending) run.onLine?.(pending, stream);
      });
    }
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${spec.executable} could not start: ${error.message}`));
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
      resolve({ exitCode, signal, timedOut });
    });
  });
}

/** Runs a command and fails with a clear message unless it exits 0. */
export async function runCommandOrFail(spec: CommandSpec, run: CommandRun = {}): Promise<void> {
  const result = await runCommand(spec, run);
  if (result.timedOut)
    throw new CommandError(`${path.basename(spec.executable)} did not finish within ${spec.timeoutSeconds}s`);
  if (result.exitCode !== 0)
    throw new CommandError(`${path.basename(spec.executable)} exited with ${result.exitCode ?? result.signal}`);
}
