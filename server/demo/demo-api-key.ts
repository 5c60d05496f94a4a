import path from "node:path";
import { writeFileAtomic } from "../connectors/files";
import { SECRET_CONSUMER_KIND } from "../secrets/consumers/kind";
import { createSecret, findSecret, readSecretValue, removeSecret } from "../secrets/store";
import { envAssignment } from "../secrets/consumers/env-file";
import { removeTarget, saveTarget } from "../targets/commands";
import type { DemoPart } from "./environment";

export const DEMO_SECRET = "demo-api-key";
export const DEMO_CONSUMER = "demo-api-key-env";
export const DEMO_VARIABLE = "DEMO_API_KEY";

/** The demo service's configuration file, which holds its API key. */
export function demoEnvFile(root: string): string {
  return path.join(root, "service", ".env");
}

/**
 * A managed secret and the service that uses it: `demo-api-key`, written to the demo service's
 * `.env` as DEMO_API_KEY, so the rotate-secret runbook can be followed end to end.
 */
export const demoApiKeyPart: DemoPart = {
  name: "demo-api-key",
  async setUp({ handle, actor, root }) {
    if (!(await findSecret(handle.db, DEMO_SECRET))) {
      await createSecret(handle.db, actor, {
        name: DEMO_SECRET,
        description: "API key of the demo service (rotate it with the rotate-secret runbook).",
        policy: { length: 32, alphabet: "base64url" },
        gracePeriodHours: 24,
      });
    }
    const current = (await readSecretValue(handle.db, DEMO_SECRET))!;
    const file = demoEnvFile(root);
    writeFileAtomic(
      file,
      `# The demo service's configuration. Keel rotates ${DEMO_VARIABLE}; the other lines stay as they are.\nDEMO_SERVICE_PORT=8080\n${envAssignment(DEMO_VARIABLE, current.value)}\nDEMO_LOG_LEVEL=info\n`,
      0o600,
    );
    await saveTarget(
      handle.db,
      actor,
      {
        kind: SECRET_CONSUMER_KIND,
        name: DEMO_CONSUMER,
        description: "The demo service reads its API key from its .env file.",
        config: { secret: DEMO_SECRET, sink: { type: "env-file", path: file, variable: DEMO_VARIABLE } },
      },
      "demo",
    );
  },
  async tearDown({ handle, actor }) {
    await removeTarget(handle.db, actor, SECRET_CONSUMER_KIND, DEMO_CONSUMER, "demo");
    await removeSecret(handle.db, actor, DEMO_SECRET);
  },
};
