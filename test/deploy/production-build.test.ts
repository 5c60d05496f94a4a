/**
 * The production build, run as the image runs it: the tree the Dockerfile's runtime stage copies,
 * laid out from the Dockerfile's own COPY lines and made read-only (chmod -R a-w), started with
 * its CMD from its WORKDIR, as a non-root user when the tests run as root, with only a fresh data
 * directory writable, against a fresh PostgreSQL database (TEST_DATABASE_URL) or, without one, the
 * embedded PGlite in that data directory. The build is shared: `npm test` builds before the unit
 * tests when the sources changed, and the journeys run the same output.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseTarget } from "@/db/client";
import { queryRows } from "@/db/execute";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "@/test/support/postgres-admin";
import { LOG_DIR, rememberSecret } from "@/test/support/secrets-used";
import { TEST_KEYS } from "@/test/support/test-keys";
import {
  freePort,
  IMAGE_USER,
  runImageCommand,
  runningAsRoot,
  startImageProcess,
  uidOf,
  type ImageProcess,
} from "./image-process";
import { layOutImageTree } from "./image-tree";
import { signInOverHttp } from "./sign-in-over-http";

const DOCKERFILE = "Dockerfile";
const BUILD_MINUTES = 15;
const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const admin = {
  email: "admin@keel.local",
  password: rememberSecret(`deploy-${Math.random().toString(36).slice(2)}-${Date.now()}`),
};

describe(`the production build, run as the image runs it (${driver})`, () => {
  let root: string;
  let appDir: string;
  let dataDir: string;
  let target: DatabaseTarget;
  let databaseName: string | null = null;
  let baseUrl: string;
  let keel: ImageProcess;
  let env: Record<string, string>;

  beforeAll(
    async () => {
      const build = spawnSync(process.execPath, ["scripts/build/ensure-build.mjs"], {
        stdio: "inherit",
        timeout: BUILD_MINUTES * 60_000,
      });
      expect(build.status, "npm run build:if-stale").toBe(0);

      root = mkdtempSync(path.join(os.tmpdir(), "keel-image-"));
      chmodSync(root, 0o755);
      appDir = layOutImageTree(DOCKERFILE, process.cwd(), root);
      dataDir = path.join(root, "data");
      mkdirSync(path.join(dataDir, "tmp"), { recursive: true, mode: 0o700 });
      if (runningAsRoot())
        for (const dir of [dataDir, path.join(dataDir, "tmp")]) chownSync(dir, IMAGE_USER.uid, IMAGE_USER.gid);

      const baseDatabaseUrl = process.env.TEST_DATABASE_URL;
      if (baseDatabaseUrl) {
        databaseName = uniqueDatabaseName("keel_image");
        await runAdminStatement(baseDatabaseUrl, `create database ${quoteIdent(databaseName)}`);
        target = { driver: "pg", url: urlForDatabase(baseDatabaseUrl, databaseName) };
      } else {
        target = { driver: "pglite", dataDir: path.join(dataDir, "pglite") };
      }
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      env = {
        ...TEST_KEYS,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        KEEL_PUBLIC_URL: baseUrl,
        HOME: dataDir,
        TMPDIR: path.join(dataDir, "tmp"),
        KEEL_DATA_DIR: dataDir,
        DATABASE_URL: target.driver === "pg" ? target.url : "",
        KEEL_INITIAL_ADMIN_EMAIL: admin.email,
        KEEL_INITIAL_ADMIN_PASSWORD: admin.password,
        KEEL_SELF_BACKUP_HOURS: "0",
        LOG_LEVEL: "info",
      };
      keel = startImageProcess(DOCKERFILE, appDir, env);
      await keel.ready;
    },
    (BUILD_MINUTES + 3) * 60_000,
  );

  afterAll(async () => {
    if (keel && keel.child.exitCode === null && keel.child.signalCode === null) {
      keel.child.kill("SIGKILL");
      await keel.exited;
    }
    if (keel) {
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(path.join(LOG_DIR, `production-build-${driver}.log`), keel.output());
    }
    if (databaseName && process.env.TEST_DATABASE_URL)
      await runAdminStatement(
        process.env.TEST_DATABASE_URL,
        `drop database if exists ${quoteIdent(databaseName)} with (force)`,
      );
    if (root) {
      spawnSync("chmod", ["-R", "u+w", root]);
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it("holds compiled JavaScript only: no TypeScript source, no tsx, no TypeScript compiler", () => {
    const sources = listFiles(appDir, (dir) => dir !== "node_modules").filter(
      (file) => /\.(ts|tsx|mts)$/.test(file) && !file.startsWith("runbooks/"),
    );
    expect(sources).toEqual([]);
    for (const name of ["tsx", "typescript", "esbuild", "vitest"])
      expect(existsSync(path.join(appDir, "node_modules", name)), name).toBe(false);
  });

  it("runs as a non-root user in a tree nobody may write", () => {
    if (runningAsRoot()) expect(uidOf(keel.child.pid!)).toBe(IMAGE_USER.uid);
    const writable = listFiles(appDir, () => true, true).filter(
      (file) => (statSync(path.join(appDir, file)).mode & 0o222) !== 0,
    );
    expect(writable).toEqual([]);
  });

  it("answers the sign-in page, and /api/healthz with the database, every migration and the job queue healthy", async () => {
    const signIn = await fetch(`${baseUrl}/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain("Sign in");
    const health = await fetch(`${baseUrl}/api/healthz`);
    const body = (await health.json()) as Record<string, unknown>;
    expect(health.status, JSON.stringify(body)).toBe(200);
    expect(JSON.stringify(body)).toMatch(/migrations/);
  });

  it("signs the first administrator in over HTTP and answers a tRPC call with that session", async () => {
    const { status, cookie } = await signInOverHttp(baseUrl, admin.email, admin.password);
    expect(status).toBe(200);
    const me = await fetch(`${baseUrl}/api/trpc/session.me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      result: { data: { email: admin.email, role: "admin", mustChangePassword: true } },
    });
    const anonymous = await fetch(`${baseUrl}/api/trpc/session.me`);
    expect((await anonymous.json()) as unknown).not.toMatchObject({ result: { data: { email: admin.email } } });
  });

  it("stops on SIGTERM with exit code 0, having written only its data directory", async () => {
    keel.child.kill("SIGTERM");
    expect(await keel.exited).toBe(0);
    expect(readdirSync(dataDir).length).toBeGreaterThan(1);
  });

  it("answers the operator's commands from the same tree: the migrations are up to date, the audit trail verifies to the witness", () => {
    // After the console stopped (PGlite allows one process at a time), as the image's user.
    expect(keel.child.exitCode).toBe(0);
    const migrate = runImageCommand(appDir, "keel-db-migrate.mjs", env);
    expect(migrate.output).toContain("already up to date");
    expect(migrate.status).toBe(0);
    const verify = runImageCommand(appDir, "keel-audit-verify.mjs", env);
    expect(verify.output).toMatch(/^OK \d+/);
    expect(verify.output).toContain("reaches the witness checkpoint");
    expect(verify.status).toBe(0);
  });

  // Last: this process opens the database itself, as root when the tests run as root.
  it("has applied every committed migration", async () => {
    const journal = JSON.parse(readFileSync("db/migrations/meta/_journal.json", "utf8")) as { entries: unknown[] };
    const handle = await openDatabase(target);
    try {
      const [row] = await queryRows<{ count: number }>(
        handle.db,
        sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
      );
      expect(row?.count).toBe(journal.entries.length);
    } finally {
      await handle.close();
    }
  });
});

/** Files (and directories, if asked) under `dir`, relative to it, in the top-level directories `descend` accepts. */
function listFiles(dir: string, descend: (topLevel: string) => boolean, directoriesToo = false): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || (directoriesToo && entry.isDirectory()))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((file) => descend(file.split(path.sep)[0]!));
}
