import { describe, expect, it } from "vitest";
import { SessionCache, type SessionRecord } from "./session-cache";

function record(sessionId: string, userId: string): SessionRecord {
  return {
    session: {
      sessionId,
      createdAt: new Date(0),
      user: { id: userId, email: `${userId}@example.test`, name: userId, role: "responder", mustChangePassword: false },
    },
    expiresAt: 10_000_000,
    lastSeenAt: 0,
  };
}

/** A cache on a hand-driven clock and listener, so every rule can be shown one step at a time. */
function setup(ttlMs = 5_000, maxEntries?: number) {
  const clock = { now: 1_000 };
  const listener: { epoch: number | null } = { epoch: 1 };
  const cache = new SessionCache({ ttlMs, maxEntries, now: () => clock.now, listeningEpoch: () => listener.epoch });
  const put = (sessionId: string, userId: string) => cache.store(cache.ticket(), sessionId, record(sessionId, userId));
  return { clock, listener, cache, put };
}

describe("session cache", () => {
  it("answers from memory until the TTL has passed", () => {
    const { clock, cache, put } = setup(5_000);
    put("s1", "u1");
    clock.now += 4_999;
    expect(cache.get("s1")?.session.user.id).toBe("u1");
    clock.now += 1;
    expect(cache.get("s1")).toBeNull();
    expect(cache.size).toBe(0);
  });

  it("forgets one session, or every session of a user, when told", () => {
    const { cache, put } = setup();
    put("s1", "u1");
    put("s2", "u1");
    put("s3", "u2");
    cache.forgetSession("s3");
    expect(cache.get("s3")).toBeNull();
    expect(cache.get("s1")).not.toBeNull();
    cache.forgetUser("u1");
    expect(cache.get("s1")).toBeNull();
    expect(cache.get("s2")).toBeNull();
  });

  it("does not keep a database answer read while a forget happened", () => {
    const { cache } = setup();
    const ticket = cache.ticket();
    // The session is revoked while the read is on its way; what it read may predate the revocation.
    cache.forgetSession("s1");
    cache.store(ticket, "s1", record("s1", "u1"));
    expect(cache.get("s1")).toBeNull();
    cache.store(cache.ticket(), "s1", record("s1", "u1"));
    expect(cache.get("s1")).not.toBeNull();
  });

  it("serves nothing while the listener is down, and nothing from before it went down", () => {
    const { cache, listener, put } = setup();
    put("s1", "u1");
    listener.epoch = null;
    expect(cache.get("s1")).toBeNull();
    put("s2", "u2");
    expect(cache.get("s2")).toBeNull();
    // Back, but notifications sent meanwhile are lost: earlier entries stay unusable.
    put("s3", "u3");
    listener.epoch = 3;
    expect(cache.get("s3")).toBeNull();
    put("s4", "u4");
    expect(cache.get("s4")).not.toBeNull();
  });

  it("does not keep an answer read across a blink of the listener", () => {
    const { cache, listener } = setup();
    const ticket = cache.ticket();
    listener.epoch = 5;
    cache.store(ticket, "s1", record("s1", "u1"));
    expect(cache.get("s1")).toBeNull();
  });

  it("keeps nothing when its TTL is 0, and at most maxEntries sessions", () => {
    const off = setup(0);
    off.put("s1", "u1");
    expect(off.cache.size).toBe(0);
    const small = setup(5_000, 2);
    small.put("s1", "u1");
    small.put("s2", "u2");
    small.put("s3", "u3");
    expect(small.cache.size).toBe(2);
    expect(small.cache.get("s1")).toBeNull();
    expect(small.cache.get("s3")).not.toBeNull();
  });
});
