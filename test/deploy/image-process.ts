import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

/** The image's non-root user stands in as nobody:nogroup when the tests run as root. */
export const IMAGE_USER = { uid: 65534, gid: 65534 };

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The runtime stage's `CMD ["node", ...]`, read from the Dockerfile. */
export function imageCommand(dockerfile: string): string[] {
  const line = readFileSync(dockerfile, "utf8")
    .split("\n")
    .filter((l) => /^CMD\s/.test(l))
    .at(-1);
  const command = line ? (JSON.parse(line.slice(3).trim()) as string[]) : [];
  if (command[0] !== "node" || command.length < 2)
    throw new Error(`${dockerfile}: expected CMD ["node", "<entry>"], found ${line}`);
  return command.slice(1);
}

export type ImageProcess = {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | string>;
  output(): string;
};

/**
 * Starts the image's command in `appDir` with nothing of this process's environment but what is
 * given (no tsx loader, no NODE_OPTIONS, no node_modules/.bin on PATH), as IMAGE_USER when this
 * process is root. `ready` settles when Keel says it listens, or rejects with its output if it exits.
 */
export function startImageProcess(dockerfile: string, appDir: string, env: Record<string, string>): ImageProcess {
  const child = spawn(process.execPath, imageCommand(dockerfile), {
    cwd: appDir,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    ...(runningAsRoot() ? IMAGE_USER : {}),
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? code ?? "unknown")),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => {
      if (output.includes("Keel is ready at")) resolve();
    });
    void exited.then((how) => reject(new Error(`Keel exited (${how}) before it was ready:\n${output.slice(-4000)}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => output };
}

/** Runs `node <script>` in `appDir` as startImageProcess does, to its end. */
export function runImageCommand(
  appDir: string,
  script: string,
  env: Record<string, string>,
): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script], {
    cwd: appDir,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...env } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
    ...(runningAsRoot() ? IMAGE_USER : {}),
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The process's real uid, from /proc. */
export function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("Uid:"));
  return Number(line?.split(/\s+/)[1]);
}
