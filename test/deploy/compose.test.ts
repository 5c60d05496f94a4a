import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type Service = {
  image?: string;
  build?: string;
  read_only?: boolean;
  tmpfs?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
};

/** compose.yaml cannot be started here (no Docker daemon); this holds it to what the README promises. */
describe("compose.yaml", () => {
  const compose = parse(readFileSync("compose.yaml", "utf8"), { merge: true }) as { services: Record<string, Service> };
  const { db, web, worker } = compose.services;

  it("runs PostgreSQL, a web-only Keel instance and a worker from this Dockerfile", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["db", "web", "worker"]);
    expect(web?.environment?.KEEL_WORKERS).toBe("0");
    expect(Number(worker?.environment?.KEEL_WORKERS)).toBeGreaterThan(0);
    for (const keel of [web, worker]) {
      expect(keel?.build).toBe(".");
      expect(keel?.environment?.DATABASE_URL).toMatch(/@db:5432\//);
      expect(keel?.depends_on?.db?.condition).toBe("service_healthy");
    }
    expect(db?.healthcheck).toBeDefined();
  });

  it("keeps each Keel container's root filesystem read-only, with a data volume at KEEL_DATA_DIR", () => {
    const dataDir = /KEEL_DATA_DIR=(\S+)/.exec(readFileSync("Dockerfile", "utf8"))?.[1];
    expect(dataDir).toBe("/data");
    for (const keel of [web, worker]) {
      expect(keel?.read_only).toBe(true);
      expect(keel?.volumes?.some((volume) => volume.endsWith(`:${dataDir}`))).toBe(true);
    }
  });

  it("runs the PostgreSQL major whose client tools the image installs", () => {
    const imageMajor = /ARG PG_MAJOR=(\d+)/.exec(readFileSync("Dockerfile", "utf8"))?.[1];
    expect(imageMajor).toBeDefined();
    expect(db?.image).toMatch(new RegExp(`^postgres:${imageMajor}(\\D|$)`));
  });
});
