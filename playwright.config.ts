import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { ADMIN_STATE, BASE_URL, E2E_DRIVER } from "./e2e/support/config";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: `test-results/playwright-${E2E_DRIVER}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "first-run", testMatch: /first-run\.setup\.ts/, use: { ...devices["Desktop Chrome"] } },
    {
      name: "journeys",
      testMatch: /.*\.spec\.ts/,
      dependencies: ["first-run"],
      use: { ...devices["Desktop Chrome"], storageState: ADMIN_STATE },
    },
  ],
  webServer: {
    command: "tsx scripts/e2e-server.ts",
    url: `${BASE_URL}/sign-in`,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
