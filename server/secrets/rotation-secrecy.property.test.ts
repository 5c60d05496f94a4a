import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runs, runSteps, SECRET_ALPHABETS, stepOutputLines } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { installRunbook, type TestEngine } from "@/test/support/engine";
import {
  CrashPlan,
  createRotationEngine,
  KeyService,
  rotateSecretRunbook,
  scratchDir,
} from "@/test/support/secret-rotation";
import { SseReader } from "@/test/support/sse-reader";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { LiveHub } from "../live/hub";
import { createRunEventStream } from "../live/run-event-stream";
import { currentRunVersion } from "../live/run-version";
import { secretForms } from "../security/redact-secrets";
import { saveTarget } from "../targets/commands";
import { envValueOf } from "./consumers/env-file";
import { createSecret, readSecretValue } from "./store";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 5);
const actor = systemActor();

let handle: TestDatabase;
let engine: TestEngine;
let hub: LiveHub;
const service = new KeyService();
let baseUrl: string;
const dir = scratchDir("secrecy");
let counter = 0;

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = createRotationEngine(handle.db, new CrashPlan());
  hub = new LiveHub(handle, { backoff: { initialDelayMs: 50, maxDelayMs: 500 } });
  await hub.start();
  baseUrl = await service.start();
  await installRunbook(handle.db, rotateSecretRunbook());
});

afterAll(async () => {
  await service.stop();
  await hub.stop();
  await handle.drop();
});

/** Everything the SSE stream of a run sends, collected until `stop` is aborted. */
function followRun(runId: string) {
  const stop = new AbortController();
  const reader = new SseReader(
    createRunEventStream({
      hub,
      runId,
      currentVersion: () => currentRunVersion(handle.db, runId),
      lastEventId: null,
      signal: stop.signal,
    }),
  );
  const blocks: string[] = [];
  const done = (async () => {
    for (;;) {
      const block = await reader.next(60_000).catch(() => null);
      if (block === null) return;
      blocks.push(block);
    }
  })();
  return {
    async text() {
      stop.abort();
      await reader.cancel().catch(() => undefined);
      await done;
      return blocks.join("\n\n");
    },
  };
}

/** A value an admin may type for a secret's first version: anything an env file can hold. */
const initialValue = fc.stringMatching(/^[A-Za-z0-9!#$%&()*+,\-./:;<=>?@[\]^_{|}~]{16,48}$/);

const scenario = fc.record({
  alphabet: fc.constantFrom(...SECRET_ALPHABETS),
  length: fc.integer({ min: 16, max: 64 }),
  initial: fc.option(initialValue, { nil: undefined }),
  deliverIn: fc.constantFrom("header" as const, "body" as const),
  ending: fc.constantFrom("promote" as const, "abort" as const),
  graceHours: fc.constantFrom(0, 24, null),
});

describe(`no secret value leaks from a rotation (${driver})`, () => {
  it("never shows a generated value, plain, base64 or URL-encoded, in the audit table, the log file, step output or the live stream", async () => {
    const responder = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const lead = await callerAs(handle.db, (await createTestUser(handle.db, { role: "lead" })).user, engine);
    const logFile = process.env.KEEL_LOG_FILE!;

    await fc.assert(
      fc.asyncProperty(scenario, async ({ alphabet, length, initial, deliverIn, ending, graceHours }) => {
        const name = `leak-${++counter}-${randomUUID().slice(0, 6)}`;
        await createSecret(handle.db, actor, {
          name,
          description: "",
          policy: { length, alphabet },
          gracePeriodHours: 24,
          value: initial,
        });
        const first = (await readSecretValue(handle.db, name))!.value;
        const envFile = path.join(dir, name, ".env");
        mkdirSync(path.dirname(envFile), { recursive: true });
        writeFileSync(envFile, `OTHER=1\nKEY='${first}'\n`);
        await saveTarget(
          handle.db,
          actor,
          {
            kind: "secret-consumer",
            name: `${name}-env`,
            config: { secret: name, sink: { type: "env-file", path: envFile, variable: "KEY" } },
          },
          "admin",
        );
        await saveTarget(
          handle.db,
          actor,
          {
            kind: "secret-consumer",
            name: `${name}-http`,
            config: {
              secret: name,
              sink: {
                type: "http",
                url: `${baseUrl}/keys`,
                method: "PUT",
                deliver: deliverIn === "header" ? { in: "header", name: "X-Api-Key" } : { in: "body", field: "key" },
                allowPrivateNetwork: true,
              },
              ...(deliverIn === "header" ? { probe: { url: `${baseUrl}/probe`, allowPrivateNetwork: true } } : {}),
            },
          },
          "admin",
        );
        const logBefore = existsSync(logFile) ? readFileSync(logFile, "utf8").length : 0;

        const { runId } = await responder.runs.start({
          runbookId: "rotate-secret",
          inputs: { secret: name, ...(graceHours === null ? {} : { graceHours }) },
          requestKey: randomUUID(),
        });
        const live = followRun(runId);
        const execute = async (stepId: string) => {
          await engine.drain();
          await responder.runs.execute({ runId, stepId });
          await engine.drain();
        };
        await execute("create-pending");
        const generated = (await readSecretValue(handle.db, name, "pending"))!.value;
        await execute("distribute");
        // The value did reach the consumer: the checks below look where it could have leaked, not at nothing.
        expect(envValueOf(readFileSync(envFile, "utf8"), "KEY")).toBe(generated);
        if (ending === "abort") {
          await responder.runs.abort({ runId, reason: "Property test abort" });
          await engine.drain();
        } else {
          // The env-file consumer has no acceptance probe: its check waits for a person to confirm it by hand.
          const check = (await responder.runs.get({ runId })).steps.find((s) => s.id === "consumers-accept")!;
          expect(check.confirmByHand).toBeTruthy();
          await responder.runs.confirm({
            runId,
            stepId: "consumers-accept",
            note: "Restarted the service; it reads the new key",
          });
          await engine.drain();
          const approval = (await lead.runs.get({ runId })).steps.find((s) => s.id === "approve-promotion")!;
          await lead.runs.approve({ runId, stepId: "approve-promotion", bindingHash: approval.bindingHash! });
          await engine.drain();
          await execute("promote");
          await execute("retire-previous");
        }
        const [run] = await handle.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
        expect(run!.status).toBe(ending === "abort" ? "cancelled" : "succeeded");

        const places = {
          audit: JSON.stringify(await handle.db.select().from(auditEvents)),
          log: readFileSync(logFile, "utf8").slice(logBefore),
          output: JSON.stringify([
            await handle.db.select().from(stepOutputLines).where(eq(stepOutputLines.runId, runId)),
            await handle.db
              .select({
                plan: runSteps.plan,
                output: runSteps.output,
                error: runSteps.error,
                covered: runSteps.coveredPlans,
                evidence: runSteps.evidence,
              })
              .from(runSteps)
              .where(eq(runSteps.runId, runId)),
            await responder.runs.get({ runId }),
          ]),
          sse: await live.text(),
        };
        expect(places.sse).toContain("event: run");
        for (const value of [first, generated]) {
          for (const form of secretForms(value)) {
            for (const [where, text] of Object.entries(places))
              expect(text.includes(form), `${where} contains a form of a secret value`).toBe(false);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 240_000);
});
