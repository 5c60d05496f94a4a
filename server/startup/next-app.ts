import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

type NextOptions = { development: boolean; hostname: string; port: number };

/**
 * The Next.js app behind Keel's edge. In development, the sources under the working directory.
 * In production, the standalone tree this file was compiled into (scripts/build/compile-server.mjs
 * puts keel-server.mjs at its root): its config is the one the build recorded, as Next's own
 * standalone server.js passes it, since the tree carries no next.config.js.
 */
export async function createNextApp({ development, hostname, port }: NextOptions) {
  const { default: next } = await import("next");
  if (development) return next({ dev: true, dir: process.cwd(), hostname, port });
  const dir = compiledTreeDirectory();
  const requiredFiles = path.join(dir, ".next", "required-server-files.json");
  if (!existsSync(requiredFiles))
    throw new Error(`${requiredFiles} is missing: the build is incomplete (run npm run build)`);
  const { config } = JSON.parse(readFileSync(requiredFiles, "utf8")) as { config: Record<string, unknown> };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  return next({ dev: false, dir, hostname, port });
}

function compiledTreeDirectory(): string {
  // Empty when the TypeScript sources run under tsx: production serves only the compiled build.
  const url = import.meta.url as string | undefined;
  if (!url || !url.endsWith("/keel-server.mjs")) {
    throw new Error(
      "production mode runs the compiled build: `npm run build`, then `npm start` (or `node keel-server.mjs` in .next/standalone)",
    );
  }
  return path.dirname(fileURLToPath(url));
}
