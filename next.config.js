/** @type {import('next').NextConfig} */
const nextConfig = {
  // .next/standalone: the server and only the node_modules files it needs. `npm run build` adds
  // Keel's compiled custom server and its own files to it (scripts/build/build.mjs); production
  // runs that tree, never the sources.
  output: "standalone",
  // Drivers and tools that must run from node_modules, not from the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-tools", "pg", "pino", "pg-boss"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // `npm test` typechecks the whole project (tsc --noEmit) before anything is built; checking
  // again inside every build only doubles the wait on a small machine.
  typescript: { ignoreBuildErrors: true },
};

module.exports = nextConfig;
