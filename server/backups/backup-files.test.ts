import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "@/test/support/errors";
import {
  backupFileName,
  backupNameProblem,
  completeBackup,
  findBackupByMarker,
  listBackups,
  partialPathFor,
  resolveBackup,
} from "./backup-files";
import { databaseTargetConfig } from "./database-target";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "keel-backup-files-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("backup files", () => {
  it("refuses names with a directory part, naming the field, before touching any file", async () => {
    for (const name of ["../../etc/passwd", "/etc/passwd", "sub/x.dump", "..\\x.dump", ".hidden.dump", "a..dump"])
      expect(backupNameProblem(name)).not.toBeNull();
    expect(backupNameProblem("shop-20261201T030000Z-1a2b3c4d.dump")).toBeNull();
    expect(backupNameProblem("notes.txt")).toMatch(/ends in \.dump or \.sql/);
    const error = await errorOf((async () => resolveBackup(dir, "../../etc/passwd"))());
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      details: { fields: { backup: expect.stringMatching(/^Give the backup's file name only/) } },
    });
  });

  it("lists no backups in a directory that does not exist, and says so when the directory cannot be read", () => {
    expect(listBackups(path.join(dir, "not-created-yet"))).toEqual([]);
    const file = path.join(dir, "a-file-not-a-directory");
    writeFileSync(file, "x");
    expect(() => listBackups(file)).toThrow(
      `Keel cannot read the backup directory ${file}: ENOTDIR. Check its owner and permissions.`,
    );
  });

  it("lists complete backups newest first with size and checksum, never a partial file or a symbolic link", async () => {
    const older = backupFileName("shop", new Date("2026-11-30T03:00:00Z"), "aaaaaaaa", "custom");
    expect(older).toBe("shop-20261130T030000Z-aaaaaaaa.dump");
    writeFileSync(partialPathFor(dir, older), "first");
    await completeBackup(dir, partialPathFor(dir, older), older);
    const newer = backupFileName("shop", new Date(), "bbbbbbbb", "sql");
    writeFileSync(partialPathFor(dir, newer), "second backup");
    writeFileSync(partialPathFor(dir, "shop-unfinished.dump"), "half");
    await completeBackup(dir, partialPathFor(dir, newer), newer);
    symlinkSync("/etc/passwd", path.join(dir, "linked.sql"));

    const listed = listBackups(dir);
    expect(listed.map((b) => b.name).sort()).toEqual([newer, older].sort());
    expect(listed.find((b) => b.name === newer)).toMatchObject({
      format: "sql",
      sizeBytes: 13,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(findBackupByMarker(dir, "bbbbbbbb")?.name).toBe(newer);
    expect(findBackupByMarker(dir, "cccccccc")).toBeNull();
    expect(await errorOf((async () => resolveBackup(dir, "linked.sql"))())).toMatchObject({
      code: "NOT_FOUND",
      details: { fields: { backup: expect.stringMatching(/no backup named linked\.sql/) } },
    });
    expect(resolveBackup(dir, older).path).toBe(path.join(dir, older));
  });
});

describe("a database target's configuration", () => {
  it("fills in the objectives and restore mode, and names each wrong field", () => {
    expect(
      databaseTargetConfig.parse({ driver: "embedded", dataDir: "/srv/shop", backupDirectory: "/srv/backups" }),
    ).toMatchObject({
      recoveryPointObjective: "24h",
      restoreMode: "scratch-then-swap",
      healthQuery: "select 1",
      expectedTables: [],
    });
    const result = databaseTargetConfig.safeParse({
      driver: "postgres",
      urlSecret: "Shop URL",
      backupDirectory: "backups",
      recoveryPointObjective: "soon",
      restoreMode: "yolo",
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["urlSecret", "backupDirectory", "recoveryPointObjective", "restoreMode"]),
    );
  });
});
