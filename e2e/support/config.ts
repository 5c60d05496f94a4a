import path from "node:path";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_DRIVER = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
export const ADMIN_STATE = path.resolve("test-results", ".auth", `admin-${E2E_DRIVER}.json`);

/** The first admin the e2e console starts with (test-only value, set through KEEL_INITIAL_ADMIN_PASSWORD). */
export const INITIAL_ADMIN = { email: "admin@keel.local", password: "e2e-first-run-one-time-pw" };

/** Where scripts/e2e-server.ts writes the e2e console's KEEL_DATA_DIR (a fresh temporary directory). */
export const E2E_DATA_DIR_FILE = path.resolve("test-results", `e2e-data-dir-${E2E_DRIVER}.txt`);

/** PostgreSQL only: where scripts/e2e-server.ts writes the URL of the e2e console's own database. */
export const E2E_DATABASE_URL_FILE = path.resolve("test-results", "e2e-database-url-postgres.txt");
