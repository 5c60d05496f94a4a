/**
 * `npm start`: builds when the sources changed (scripts/build/ensure-build.mjs), then runs the
 * compiled server from the standalone tree in this process, from here, so KEEL_DATA_DIR (.data),
 * the runbooks and the targets file are the project's own. No tsx or TypeScript at run time.
 */
import { pathToFileURL } from "node:url";
import { ensureBuild } from "./build/ensure-build.mjs";

const say = (line) => process.stdout.write(`${line}\n`);

try {
  const layout = await ensureBuild(process.cwd(), say);
  await import(pathToFileURL(layout.server).href);
} catch (error) {
  process.stderr.write(`Keel failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
