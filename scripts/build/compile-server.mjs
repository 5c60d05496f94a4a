import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import nft from "next/dist/compiled/@vercel/nft/index.js";

/**
 * What the image can run with `node <name>.mjs`: the console, and the commands an operator needs
 * where there is no tsx (`npm run db:migrate`, `npm run audit:verify`).
 */
const ENTRIES = { "keel-server": "server/main.ts", "keel-db-migrate": "scripts/db-migrate.ts", "keel-audit-verify": "scripts/audit-verify.ts" };

/**
 * Compiles each entry (and all of Keel's code it reaches) into one ES module that `node` runs
 * directly, then copies into the standalone tree every node_modules file they need that Next.js's
 * own trace left out: the standalone output traces Next's server, never a custom one.
 */
export async function compileServer(root, layout) {
  const scratch = path.join(root, ".next", "keel-server");
  rmSync(scratch, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: scratch,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    packages: "external",
    sourcemap: "linked",
    tsconfig: "tsconfig.json",
    logLevel: "warning",
    // Bundled CommonJS helpers call require(); an ES module has none of its own.
    banner: { js: 'import { createRequire as __keelCreateRequire } from "node:module"; const require = __keelCreateRequire(import.meta.url);' },
    plugins: [serverOnlyIsAllowed],
  });

  // Traced from the scratch directory so packages resolve from the project's full node_modules.
  // Next.js is left to its own trace (next-server.js.nft.json, which loads `next` as Keel does);
  // following its requires here would pull in the dev server and the compilers.
  const outputs = readdirSync(scratch).filter((name) => name.endsWith(".mjs"));
  const { fileList } = await nft.nodeFileTrace(outputs.map((name) => path.join(scratch, name)), { base: root, processCwd: root, ignore: (file) => NEXT_OWN.some((prefix) => file.startsWith(prefix)) });
  let copied = 0;
  for (const file of fileList) {
    if (!file.startsWith("node_modules/")) continue;
    const target = path.join(layout.standalone, file);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(root, file), target);
    copied++;
  }
  for (const name of readdirSync(scratch)) copyFileSync(path.join(scratch, name), path.join(layout.standalone, name));
  rmSync(scratch, { recursive: true, force: true });
  return { tracedFiles: copied };
}

const NEXT_OWN = ["node_modules/next/", "node_modules/@next/"];

/** `server-only` throws outside React's server graph; this bundle is the server, so it is empty here. */
const serverOnlyIsAllowed = {
  name: "server-only-is-allowed",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "keel-empty" }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "keel-empty" }, () => ({ contents: "", loader: "js" }));
  },
};
