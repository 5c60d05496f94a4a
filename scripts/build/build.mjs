/**
 * `npm run build`: everything `npm start` and the image need, in .next/standalone:
 * Next.js's standalone output, its static files, Keel's compiled server with the node_modules
 * files it reads, and the committed migrations. Runbooks are not part of it (they are loaded
 * from where Keel starts; the image copies them beside it).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { compileServer } from "./compile-server.mjs";
import { buildLayout } from "./layout.mjs";
import { sourceHash } from "./source-hash.mjs";

const STANDALONE_KEEPS = new Set([".next", "node_modules", "package.json"]);

export async function buildKeel(root, say) {
  const layout = buildLayout(root);
  const hash = sourceHash(root);
  rmSync(layout.stamp, { force: true });
  const next = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (next.status !== 0) throw new Error("next build failed; see the output above");

  // The tracer copies the project's sources too (the runbook and migration loaders read computed
  // paths) and Next's server.js is for `next start`; Keel serves through its own edge
  // (server/main.ts). Only Next's output and the traced node_modules stay.
  for (const entry of readdirSync(layout.standalone)) {
    if (!STANDALONE_KEEPS.has(entry)) rmSync(path.join(layout.standalone, entry), { recursive: true, force: true });
  }
  cpSync(path.join(root, ".next", "static"), path.join(layout.standalone, ".next", "static"), { recursive: true });
  if (existsSync(path.join(root, "public"))) cpSync(path.join(root, "public"), path.join(layout.standalone, "public"), { recursive: true });
  cpSync(path.join(root, "db", "migrations"), path.join(layout.standalone, "db", "migrations"), { recursive: true });
  const { tracedFiles } = await compileServer(root, layout);
  writeFileSync(layout.stamp, `${JSON.stringify({ sourceHash: hash, builtAt: new Date().toISOString() })}\n`);
  say(`Built ${path.relative(root, layout.standalone)} (Keel's server: ${path.relative(root, layout.server)}, ${tracedFiles} node_modules files traced for it).`);
  return layout;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  buildKeel(process.cwd(), (line) => process.stdout.write(`${line}\n`)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
