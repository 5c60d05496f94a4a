/**
 * `npm run bench:requests [-- --seconds 10 --users 600 --port 3199 --only addNote --cpu-prof <dir>]`: what a
 * request costs on the production server. Starts `npm start`'s server (building it when the
 * sources changed) on a throwaway PostgreSQL database (TEST_DATABASE_URL), gives it responders
 * with sessions, each behind an address of its own (TRUSTED_PROXIES + X-Forwarded-For) and making
 * a short burst of requests in turn, so no per-user or per-address limit is reached, and drives at
 * 8 connections, one after the other: Next.js's 404 page, /api/healthz, incidents.get and incidents.addNote. Prints requests per
 * second, p50/p95 latency and the server's CPU per request from its own /proc/<pid>/stat, and
 * addNote's requests per second as a share of the 404 page's. A script, not a test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { openDatabase } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { users } from "../db/schema";
import { createSession } from "../server/auth/sessions";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "../test/support/postgres-admin";
import { driveLoad, percentile, type LoadRequest, type LoadResult } from "./bench/http-load";
import { processCpuMs } from "./bench/process-cpu";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const SECONDS = Number(option("--seconds", "10"));
const USERS = Number(option("--users", "600"));
const PORT = Number(option("--port", "3199"));
const CPU_PROFILE_DIR = option("--cpu-prof", "");
/** Only the routes whose name contains this (with --cpu-prof, to profile one route alone). */
const ONLY = option("--only", "");
const IDLE_SECONDS = 5;
const CONNECTIONS = 8;
const WARMUP_SECONDS = 3;
const SESSION_COOKIE = "next-auth.session-token";

const SECRETS = {
  AUTH_SECRET: randomBytes(32).toString("base64"),
  AUDIT_HMAC_KEY: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  AUDIT_SIGNING_KEY: randomBytes(32).toString("base64"),
};

type Person = { cookie: string; address: string };
type Scenario = { name: string; expectStatus: number; next: (index: number) => LoadRequest };

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Responders with a session each, signed into the cookie next-auth would set, and an address each. */
async function createPeople(databaseUrl: string, count: number): Promise<Person[]> {
  const handle = await openDatabase({ driver: "pg", url: databaseUrl });
  try {
    await migrateDatabase(handle);
    const policy = { maxAgeMs: 24 * 3_600_000, idleTimeoutMs: 12 * 3_600_000 };
    const people: Person[] = [];
    for (let i = 0; i < count; i++) {
      const [user] = await handle.db
        .insert(users)
        .values({
          email: `bench-${i}@example.test`,
          name: `Bench ${i}`,
          role: "responder",
          passwordHash: "unused",
          mustChangePassword: false,
        })
        .returning({ id: users.id });
      const sid = await createSession(handle.db, {
        userId: user!.id,
        method: "password",
        ip: null,
        userAgent: "bench",
        policy,
      });
      const token = await encode({ token: { sid, sub: user!.id }, secret: SECRETS.AUTH_SECRET });
      people.push({
        cookie: `${SESSION_COOKIE}=${token}`,
        address: `10.${77 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
      });
    }
    return people;
  } finally {
    await handle.close();
  }
}

function startServer(databaseUrl: string, dataDir: string): ChildProcess {
  const execArgv = CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR)}`] : [];
  return spawn(process.execPath, [...execArgv, "scripts/start.mjs"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      ...SECRETS,
      NODE_ENV: "production",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      KEEL_PUBLIC_URL: `http://127.0.0.1:${PORT}`,
      KEEL_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      TRUSTED_PROXIES: "127.0.0.1",
      KEEL_DEMO: "off",
      KEEL_SELF_BACKUP_HOURS: "0",
      KEEL_LOG_FILE: "",
    },
  });
}

async function waitUntilHealthy(server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}) before it was healthy`);
    const status = await fetch(`http://127.0.0.1:${PORT}/api/healthz`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the server was not healthy within 15 minutes");
}

function trpcHeaders(person: Person): Record<string, string> {
  return { cookie: person.cookie, "x-forwarded-for": person.address, "content-type": "application/json" };
}

/** One incident per connection, declared through the console as a responder would. */
async function declareIncidents(person: Person, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/trpc/incidents.declare`, {
      method: "POST",
      headers: trpcHeaders(person),
      body: JSON.stringify({ title: `Bench incident ${i}`, severity: "SEV3" }),
    });
    const body = (await res.json()) as { result?: { data: { incidentId: string } } };
    if (!body.result) throw new Error(`declaring an incident failed (${res.status}): ${JSON.stringify(body)}`);
    ids.push(body.result.data.incidentId);
  }
  return ids;
}

/**
 * Each person makes this many requests in a row, as one browser does for a page view or a burst
 * of notes, then the next person takes over. Whatever the burst, a person's share of a minute's
 * requests stays rps × 60 / USERS, under the per-user limits with 600 people up to ~600 rps.
 */
const REQUESTS_PER_PERSON = 25;

function scenarios(people: Person[], incidentIds: string[]): Scenario[] {
  const person = (i: number) => people[Math.floor(i / REQUESTS_PER_PERSON) % people.length]!;
  const incident = (i: number) => incidentIds[i % incidentIds.length]!;
  return [
    { name: "404 page", expectStatus: 404, next: () => ({ method: "GET", path: "/no-such-page", headers: {} }) },
    { name: "/api/healthz", expectStatus: 200, next: () => ({ method: "GET", path: "/api/healthz", headers: {} }) },
    {
      name: "incidents.get",
      expectStatus: 200,
      next: (i) => ({
        method: "GET",
        path: `/api/trpc/incidents.get?input=${encodeURIComponent(JSON.stringify({ incidentId: incident(i) }))}`,
        headers: trpcHeaders(person(i)),
      }),
    },
    {
      name: "incidents.addNote",
      expectStatus: 200,
      next: (i) => ({
        method: "POST",
        path: "/api/trpc/incidents.addNote",
        headers: trpcHeaders(person(i)),
        body: JSON.stringify({ incidentId: incident(i), body: `Bench note ${i}`, pinned: false }),
      }),
    },
  ];
}

type Measured = {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  cpuMsPerRequest: number;
  /** Less what the server spends idle in the same time (its engine, queue and timers). */
  netCpuMsPerRequest: number;
  result: LoadResult;
};

/** The server's CPU per second when nobody asks it anything: background work every request's figure includes. */
async function idleCpuMsPerSecond(server: ChildProcess): Promise<number> {
  const before = processCpuMs(server.pid!);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  return ((processCpuMs(server.pid!) - before) * 1000) / (performance.now() - started);
}

async function measure(
  server: ChildProcess,
  scenario: Scenario,
  offset: { value: number },
  idleMsPerSecond: number,
): Promise<Measured> {
  const run = (seconds: number) =>
    driveLoad({
      port: PORT,
      connections: CONNECTIONS,
      durationMs: seconds * 1000,
      expectStatus: scenario.expectStatus,
      next: (i) => scenario.next(offset.value + i),
    });
  const warmup = await run(WARMUP_SECONDS);
  offset.value += warmup.requests;
  const cpuBefore = processCpuMs(server.pid!);
  const result = await run(SECONDS);
  const cpuMs = processCpuMs(server.pid!) - cpuBefore;
  offset.value += result.requests;
  return {
    name: scenario.name,
    rps: (result.requests * 1000) / result.elapsedMs,
    p50: percentile(result.latenciesMs, 50),
    p95: percentile(result.latenciesMs, 95),
    cpuMsPerRequest: cpuMs / result.requests,
    netCpuMsPerRequest: (cpuMs - (idleMsPerSecond * result.elapsedMs) / 1000) / result.requests,
    result,
  };
}

function report(rows: Measured[], idleMsPerSecond: number): void {
  out("");
  out(`server CPU while idle: ${idleMsPerSecond.toFixed(1)} ms per second (the "net" column takes it out)`);
  out(
    `${"route".padEnd(20)}${"rps".padStart(9)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"CPU ms/req".padStart(12)}${"net".padStart(8)}`,
  );
  for (const row of rows) {
    out(
      `${row.name.padEnd(20)}${row.rps.toFixed(0).padStart(9)}${row.p50.toFixed(1).padStart(9)}${row.p95.toFixed(1).padStart(9)}${row.cpuMsPerRequest.toFixed(2).padStart(12)}${row.netCpuMsPerRequest.toFixed(2).padStart(8)}`,
    );
    for (const [status, count] of row.result.unexpected)
      out(`  ${count} of ${row.result.requests} answered ${status === 0 ? "nothing (connection error)" : status}`);
  }
  const notFound = rows.find((r) => r.name === "404 page");
  const addNote = rows.find((r) => r.name === "incidents.addNote");
  if (!notFound || !addNote) return;
  const ratio = addNote.rps / notFound.rps;
  out("");
  out(`addNote / 404 requests per second: ${ratio.toFixed(2)}× (target ≥ 0.50×)`);
  out(
    `server CPU per addNote: ${addNote.cpuMsPerRequest.toFixed(2)} ms, ${addNote.netCpuMsPerRequest.toFixed(2)} ms net of idle (target ≤ 3 ms)`,
  );
}

async function main(): Promise<void> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl)
    throw new Error("Set TEST_DATABASE_URL to a PostgreSQL server (a throwaway database is created on it).");
  const name = uniqueDatabaseName("keel_bench_requests");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "keel-bench-requests-"));
  await runAdminStatement(baseUrl, `create database ${quoteIdent(name)}`);
  let server: ChildProcess | null = null;
  try {
    const databaseUrl = urlForDatabase(baseUrl, name);
    out(`Creating ${USERS} responders with a session each…`);
    const people = await createPeople(databaseUrl, USERS);
    out(`Starting the production server on port ${PORT} (building it first when the sources changed)…`);
    server = startServer(databaseUrl, dataDir);
    await waitUntilHealthy(server);
    const incidentIds = await declareIncidents(people[0]!, CONNECTIONS);
    out(`Driving ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured, per route…`);
    const idle = await idleCpuMsPerSecond(server);
    const rows: Measured[] = [];
    const offset = { value: 0 };
    for (const scenario of scenarios(people, incidentIds).filter((s) => s.name.includes(ONLY))) {
      rows.push(await measure(server, scenario, offset, idle));
      out(`  ${scenario.name}: done`);
    }
    report(rows, idle);
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(name)} with (force)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
