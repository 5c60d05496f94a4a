/** @type {import('next').NextConfig} */
const nextConfig = {
  // Drivers and tools that must run from node_modules, not from the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pino", "pg-boss"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // `npm test` typechecks the whole project (tsc --noEmit) before anything is built; checking
  // again inside every build only doubles the wait on a small machine.
  typescript: { ignoreBuildErrors: true },
};

module.exports = nextConfig;
