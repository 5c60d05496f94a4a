import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import type { Database } from "../../db/client";
import type { AnyAction } from "../../server/engine/actions/types";
import { auditChainCheck } from "../../server/engine/builtins/audit-chain-check";
import { registerSecretRotation, SECRET_ROTATION_ACTIONS } from "../../server/engine/builtins/secrets";
import { waitAction } from "../../server/engine/builtins/wait-action";
import { StepRegistry } from "../../server/engine/registry";
import { LocalStepLeases } from "../../server/engine/leases/local-step-leases";
import { runStepJob } from "../../server/engine/worker";
import { highRiskCommand } from "../../server/runs/high-risk";
import { ManualQueue, type TestEngine } from "./engine";

/** The shipped rotate-secret runbook, as its file says. */
export function rotateSecretRunbook(): unknown {
  return parse(readFileSync(path.resolve("runbooks/rotate-secret.yaml"), "utf8"));
}

/**
 * A service that takes its API key over HTTP: PUT /keys with the key in X-Api-Key; GET /probe
 * answers 200 to `Authorization: Bearer <the key it holds>`, 401 otherwise. `failWith` makes
 * /keys answer that status instead (a consumer that refuses).
 */
export class KeyService {
  received: string[] = [];
  probes: { authorization: string | undefined; status: number }[] = [];
  failWith: number | null = null;
  private server = http.createServer((request, response) => {
    if (request.url === "/keys" && request.method === "PUT") {
      if (this.failWith) {
        response.writeHead(this.failWith).end("refused");
        return;
      }
      const key = request.headers["x-api-key"];
      if (typeof key === "string") this.received.push(key);
      response.writeHead(204).end();
      return;
    }
    if (request.url === "/probe") {
      const authorization = request.headers.authorization;
      const status = authorization && authorization === `Bearer ${this.received.at(-1)}` ? 200 : 401;
      this.probes.push({ authorization, status });
      response.writeHead(status).end();
      return;
    }
    response.writeHead(404).end();
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get current(): string | undefined {
    return this.received.at(-1);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function scratchDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `keel-${label}-`));
}

/**
 * Actions (by name) whose next execution "crashes": the action applies its effect, then its
 * worker dies before reporting back (the test aborts it once the promise of `arm` resolves).
 */
export class CrashPlan {
  private armed = new Map<string, () => void>();

  arm(actionName: string): Promise<void> {
    return new Promise((resolve) => this.armed.set(actionName, resolve));
  }

  wrap(action: AnyAction): AnyAction {
    return {
      ...action,
      execute: async (input, context) => {
        const result = await action.execute(input, context);
        const crashed = this.armed.get(action.name);
        if (crashed) {
          this.armed.delete(action.name);
          crashed();
          await new Promise((_, reject) =>
            context.signal.addEventListener("abort", () => reject(new Error("killed")), { once: true }),
          );
        }
        return result;
      },
    };
  }
}

/** An engine whose rotation actions can be made to crash after their effect (see CrashPlan). */
export function createRotationEngine(db: Database, crashes: CrashPlan): TestEngine {
  const registry = registerSecretRotation(
    new StepRegistry().registerCheck(auditChainCheck).registerAction(waitAction),
    SECRET_ROTATION_ACTIONS.map((a) => crashes.wrap(a)),
  );
  const queue = new ManualQueue();
  const clock = { now: Date.now() };
  const engine: TestEngine = {
    db,
    registry,
    queue,
    leases: new LocalStepLeases(),
    clock,
    now: () => clock.now,
    highRisk: highRiskCommand,
    async drain(signal) {
      let ran = 0;
      while (queue.jobs.length > 0) {
        await runStepJob(engine, queue.jobs.shift()!, signal);
        ran++;
      }
      return ran;
    },
  };
  return engine;
}
