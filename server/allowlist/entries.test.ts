import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowlistEntries } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { isAllowlisted } from "./entries";

let handle: TestDatabase;
const now = new Date("2026-12-01T08:00:00.000Z");
const hour = 3_600_000;

beforeAll(async () => {
  handle = await createTestDatabase();
  const entry = (allowlist: string, cidr: string, expiresAt: Date, removedAt: Date | null = null) => ({
    id: randomUUID(),
    allowlist,
    cidr,
    reason: "test",
    expiresAt,
    removedAt,
  });
  await handle.db
    .insert(allowlistEntries)
    .values([
      entry("edge", "203.0.113.0/24", new Date(now.getTime() + hour)),
      entry("waf", "2001:db8:1::/48", new Date(now.getTime() + hour)),
      entry("edge", "198.51.100.0/24", new Date(now.getTime() - 1)),
      entry("edge", "192.0.2.0/24", new Date(now.getTime() + hour), new Date(now.getTime() - hour)),
    ]);
});

afterAll(async () => {
  await handle.drop();
});

describe(`isAllowlisted (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("is true for an address inside a live entry of any allowlist", async () => {
    expect(await isAllowlisted(handle.db, "203.0.113.9", now)).toBe(true);
    expect(await isAllowlisted(handle.db, "2001:db8:1:ffff::7", now)).toBe(true);
  });

  it("treats an IPv4-mapped IPv6 address as its IPv4 address", async () => {
    expect(await isAllowlisted(handle.db, "::ffff:203.0.113.200", now)).toBe(true);
  });

  it("is false outside every entry, for expired and removed entries, and for anything that is not one address", async () => {
    expect(await isAllowlisted(handle.db, "203.0.114.1", now)).toBe(false);
    expect(await isAllowlisted(handle.db, "2001:db8:2::1", now)).toBe(false);
    expect(await isAllowlisted(handle.db, "198.51.100.7", now)).toBe(false);
    expect(await isAllowlisted(handle.db, "192.0.2.7", now)).toBe(false);
    expect(await isAllowlisted(handle.db, "203.0.113.0/24", now)).toBe(false);
    expect(await isAllowlisted(handle.db, "not-an-ip", now)).toBe(false);
  });

  it("stops the moment an entry expires", async () => {
    expect(await isAllowlisted(handle.db, "203.0.113.9", new Date(now.getTime() + hour))).toBe(false);
  });
});
