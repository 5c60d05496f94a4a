import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RestoreRun } from "./backend";
import { completeBackup, partialPathFor } from "./backup-files";
import { EmbeddedBackend } from "./embedded-backend";

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "keel-embedded-backup-"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function onDatabase<T>(dataDir: string, work: (pg: PGlite) => Promise<T>): Promise<T> {
  const pg = new PGlite(dataDir);
  try {
    await pg.waitReady;
    return await work(pg);
  } finally {
    await pg.close();
  }
}

async function everyRow(dataDir: string) {
  return onDatabase(dataDir, async (pg) => ({
    customers: (await pg.query("select * from customers order by id")).rows,
    orders: (await pg.query("select * from orders order by id")).rows,
  }));
}

function runFor(file: string, marker: string): RestoreRun {
  return { file, marker, log: () => undefined, progress: () => undefined, signal: new AbortController().signal };
}

describe("embedded (PGlite) backup and restore", () => {
  it("round-trips row for row through a scratch directory and a swap, and in place", { timeout: 120_000 }, async () => {
    const dataDir = path.join(root, "shop-db");
    const backups = path.join(root, "backups");
    await onDatabase(dataDir, (pg) =>
      pg.exec(`
        create table customers (id serial primary key, name text not null, note text);
        create table orders (id serial primary key, customer_id int references customers(id), total numeric(10,2), paid boolean);
        insert into customers (name, note) values ('Ada', 'it''s; fine'), ('Bo', E'two\\nlines'), ('Chloé', null);
        insert into orders (customer_id, total, paid) values (1, 9.99, true), (2, 20.00, false), (3, 0.50, null);
      `),
    );
    const before = await everyRow(dataDir);
    const backend = new EmbeddedBackend(dataDir);
    mkdirSync(backups, { recursive: true });
    const partial = partialPathFor(backups, "shop-1.sql");
    await backend.dump(partial, () => undefined);
    const backup = await completeBackup(backups, partial, "shop-1.sql");
    expect(readFileSync(backup.path, "utf8")).toMatch(/CREATE TABLE public\.customers/);

    const contents = await backend.readBackup(backup.path);
    expect(contents).toMatchObject({ rowCounts: { "public.customers": 3, "public.orders": 3 }, problems: [] });
    expect(contents.createdTables).toEqual(expect.arrayContaining(["public.customers", "public.orders"]));

    await onDatabase(dataDir, (pg) => pg.exec("delete from orders; update customers set name = 'gone';"));
    const outcome = await backend.restore("scratch-then-swap", runFor(backup.path, "e1"));
    expect(outcome).toMatchObject({ alreadyDone: false, replacedBy: `${dataDir}.keel-before-e1` });
    expect(await everyRow(dataDir)).toEqual(before);
    expect(
      (await onDatabase(`${dataDir}.keel-before-e1`, (pg) => pg.query("select count(*)::int as n from orders"))).rows,
    ).toEqual([{ n: 0 }]);
    expect(existsSync(`${dataDir}.keel-restore-e1`)).toBe(false);
    expect((await backend.restore("scratch-then-swap", runFor(backup.path, "e1"))).alreadyDone).toBe(true);

    await onDatabase(dataDir, (pg) => pg.exec("update orders set total = 0"));
    expect((await backend.restore("in-place", runFor(backup.path, "e2"))).alreadyDone).toBe(false);
    expect(await everyRow(dataDir)).toEqual(before);
    expect(await backend.healthQuery("select count(*) from orders")).toEqual({ rows: 1, firstValue: 3 });
  });

  it("refuses a SQL backup that is cut off or does not load", { timeout: 60_000 }, async () => {
    const backend = new EmbeddedBackend(path.join(root, "unused"));
    const cut = path.join(root, "cut.sql");
    writeFileSync(cut, "CREATE TABLE public.t (id int);\nINSERT INTO public.t VALUES ('half");
    expect((await backend.readBackup(cut)).problems.join(" ")).toMatch(/ends part-way/);
    const broken = path.join(root, "broken.sql");
    writeFileSync(broken, "CREATE TABLE public.t (id int);\nINSERT INTO public.nope VALUES (1);\n");
    expect((await backend.readBackup(broken)).problems.join(" ")).toMatch(/Loading it into an empty database fails/);
  });
});
