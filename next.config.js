/** @type {import('next').NextConfig} */
const nextConfig = {
  // Drivers and tools that must run from node_modules, not from the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-tools", "pg", "pino", "pg-boss"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

module.exports = nextConfig;
