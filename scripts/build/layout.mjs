import path from "node:path";

/**
 * Where the production build lives: Next.js's standalone tree, completed by `npm run build` with
 * Keel's compiled server and the files it reads. The image copies exactly this directory.
 */
export function buildLayout(root) {
  const standalone = path.join(root, ".next", "standalone");
  return {
    standalone,
    /** The compiled custom server: `node keel-server.mjs` from the standalone directory. */
    server: path.join(standalone, "keel-server.mjs"),
    /** Written last: the source hash the tree was built from. */
    stamp: path.join(standalone, "keel-build.json"),
  };
}
