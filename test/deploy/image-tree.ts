import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One `COPY --from=build <source> <destination>` of the Dockerfile's last stage. */
export type ImageCopy = { source: string; destination: string };

/**
 * What the image's runtime stage copies from the build stage, read from the Dockerfile itself so
 * the test runs the tree the image would hold, not a tree of its own.
 */
export function runtimeCopies(dockerfile: string): { copies: ImageCopy[]; buildDir: string; workdir: string } {
  const lines = readFileSync(dockerfile, "utf8").split("\n");
  const stages = lines.flatMap((line, index) => (/^FROM\s/i.test(line) ? [index] : []));
  const build = lines
    .slice(0, stages.at(-1))
    .filter((line) => /^WORKDIR\s/i.test(line))
    .at(-1);
  const runtime = lines.slice(stages.at(-1));
  const workdir = runtime.filter((line) => /^WORKDIR\s/i.test(line)).at(-1);
  if (!build || !workdir) throw new Error(`${dockerfile}: expected a WORKDIR in the build and runtime stages`);
  const copies = runtime.flatMap((line) => {
    const match = /^COPY\s+--from=build\s+(?:--\S+\s+)*(\S+)\s+(\S+)\s*$/i.exec(line);
    return match ? [{ source: match[1]!, destination: match[2]! }] : [];
  });
  return { copies, buildDir: build.split(/\s+/)[1]!, workdir: workdir.split(/\s+/)[1]! };
}

/**
 * Lays out the runtime stage's copies under `root` (the image's / becomes `root`), taking the
 * build stage's files from `projectDir`, then removes every write bit: the tree is read-only for
 * everyone, as the image's files are for its non-root user. Returns the image's working directory
 * under `root`.
 */
export function layOutImageTree(dockerfile: string, projectDir: string, root: string): string {
  const { copies, buildDir, workdir } = runtimeCopies(dockerfile);
  for (const { source, destination } of copies) {
    if (!source.startsWith(`${buildDir}/`))
      throw new Error(`COPY --from=build ${source}: not under the build stage's ${buildDir}`);
    const target = path.join(root, path.resolve(workdir, destination));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(projectDir, path.relative(buildDir, source)), target, { recursive: true });
  }
  makeReadOnly(path.join(root, workdir));
  return path.join(root, workdir);
}

function makeReadOnly(dir: string): void {
  const chmod = spawnSync("chmod", ["-R", "a-w", dir], { encoding: "utf8" });
  if (chmod.status !== 0) throw new Error(`chmod -R a-w ${dir}: ${chmod.stderr}`);
}
