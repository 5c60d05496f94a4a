import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestUser, TEST_SESSION_POLICY } from "@/test/support/users";
import type { Actor } from "../audit/actor";
import { LiveHub } from "../live/hub";
import { LISTENER_APPLICATION_NAME } from "../live/postgres-listener";
import { changeUserRole, resetUserPassword, setUserDisabled } from "../users/commands";
import { resolveSessionCached } from "./cached-session";
import { attachSessionCache, registerLocalSessionCache } from "./process-session-cache";
import type { SessionCache } from "./session-cache";
import { createSession, revokeSession, sessionOwnerActor, type ResolvedSession } from "./sessions";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
/** Far longer than any test: an entry that goes away was forgotten, it did not expire. */
const TTL_MS = 120_000;
const NOTIFICATION_DELAY_LIMIT_MS = 1_000;

/**
 * Two app instances on one database, each with its own session cache and live hub. On PostgreSQL
 * each has its own connection pool and LISTEN connection, as two processes would; embedded PGlite
 * is one process's database, so there they share it. A's cache is its process's own (changes made
 * here reach it at once); B hears of them only through NOTIFY.
 */
type Instance = { handle: DatabaseHandle; hub: LiveHub; cache: SessionCache };

let database: TestDatabase;
let a: Instance;
let b: Instance;
let unregister = () => undefined as void;
let admin: Actor;

async function startInstance(handle: DatabaseHandle): Promise<Instance> {
  const hub = new LiveHub(handle, { backoff: { initialDelayMs: 50, maxDelayMs: 200 } });
  await hub.start();
  return { handle, hub, cache: attachSessionCache(hub, TTL_MS) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  a = await startInstance(database);
  const target = database.target;
  b = await startInstance(target.driver === "pg" ? await openDatabase(target) : database);
  unregister = registerLocalSessionCache(a.cache);
  const { user } = await createTestUser(database.db, { role: "admin" });
  admin = { userId: user.id, label: user.email, sessionId: null, request: {} };
});

afterAll(async () => {
  unregister();
  await a.hub.stop();
  await b.hub.stop();
  if (b.handle !== database) await b.handle.close();
  await database.drop();
});

const resolveOn = (instance: Instance, sessionId: string) =>
  resolveSessionCached(instance.cache, instance.handle.db, sessionId, TEST_SESSION_POLICY);

async function signedInResponder(): Promise<{ userId: string; sessionId: string }> {
  const { user } = await createTestUser(database.db, { role: "responder" });
  const sessionId = await createSession(database.db, {
    userId: user.id,
    method: "password",
    ip: null,
    userAgent: "vitest",
    policy: TEST_SESSION_POLICY,
  });
  // Both instances have seen it, so both hold it in memory.
  expect(await resolveOn(a, sessionId)).not.toBeNull();
  expect(await resolveOn(b, sessionId)).not.toBeNull();
  expect(b.cache.get(sessionId)).not.toBeNull();
  return { userId: user.id, sessionId };
}

/** Asks instance B until `done` holds for its answer; returns how long that took. */
async function msUntilOn(
  instance: Instance,
  sessionId: string,
  done: (session: ResolvedSession | null) => boolean,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 5_000) {
    if (done(await resolveOn(instance, sessionId))) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`instance did not see the change within 5 s`);
}

describe(`session cache across instances (${driver})`, () => {
  it("answers from memory: a change nobody announced is not seen until the entry goes", async () => {
    const { sessionId } = await signedInResponder();
    await database.db.execute(sql`update sessions set revoked_at = now() where id = ${sessionId}`);
    expect(await resolveOn(b, sessionId)).not.toBeNull();
    b.cache.forgetSession(sessionId);
    expect(await resolveOn(b, sessionId)).toBeNull();
  });

  it("a sign-out is refused at once where it happened and within the notification delay elsewhere", async () => {
    const { sessionId } = await signedInResponder();
    const owner = await sessionOwnerActor(database.db, sessionId, {});
    expect(await revokeSession(database.db, owner!, sessionId, "signed_out", "auth.signed_out")).toBe(true);
    expect(await resolveOn(a, sessionId)).toBeNull();
    expect(await msUntilOn(b, sessionId, (session) => session === null)).toBeLessThan(NOTIFICATION_DELAY_LIMIT_MS);
  });

  it("disabling a user ends their sessions on every instance within the notification delay", async () => {
    const { userId, sessionId } = await signedInResponder();
    await setUserDisabled(database.db, admin, { userId, disabled: true });
    expect(await resolveOn(a, sessionId)).toBeNull();
    expect(await msUntilOn(b, sessionId, (session) => session === null)).toBeLessThan(NOTIFICATION_DELAY_LIMIT_MS);
  });

  it("a demoted user holds the new role on every instance within the notification delay", async () => {
    const { userId, sessionId } = await signedInResponder();
    await changeUserRole(database.db, admin, { userId, role: "viewer" });
    expect((await resolveOn(a, sessionId))?.user.role).toBe("viewer");
    const ms = await msUntilOn(b, sessionId, (session) => session?.user.role === "viewer");
    expect(ms).toBeLessThan(NOTIFICATION_DELAY_LIMIT_MS);
    expect(await resolveOn(b, sessionId)).toMatchObject({ sessionId, user: { id: userId, role: "viewer" } });
  });

  it("a password reset ends the user's sessions on every instance within the notification delay", async () => {
    const { userId, sessionId } = await signedInResponder();
    await resetUserPassword(database.db, admin, { userId });
    expect(await resolveOn(a, sessionId)).toBeNull();
    expect(await msUntilOn(b, sessionId, (session) => session === null)).toBeLessThan(NOTIFICATION_DELAY_LIMIT_MS);
  });

  it.skipIf(driver === "pglite")("serves nothing from memory once its listening connection was lost", async () => {
    const { sessionId } = await signedInResponder();
    // A change no notification announces, then the listeners' connections die.
    await database.db.execute(sql`update sessions set revoked_at = now() where id = ${sessionId}`);
    expect(await resolveOn(b, sessionId)).not.toBeNull();
    const before = b.hub.listeningEpoch();
    await database.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()`,
    );
    expect(await msUntilOn(b, sessionId, (session) => session === null)).toBeLessThan(NOTIFICATION_DELAY_LIMIT_MS);
    expect(b.hub.listeningEpoch()).not.toBe(before);
  });
});
