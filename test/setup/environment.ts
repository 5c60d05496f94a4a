import path from "node:path";
import { LOG_DIR } from "../support/secrets-used";
import { TEST_KEYS } from "../support/test-keys";

// Every vitest worker: fixed keys, and logs written where the end-of-run secret scan reads them.
Object.assign(process.env, TEST_KEYS);
process.env.LOG_LEVEL ??= "debug";
process.env.KEEL_LOG_FILE = path.join(LOG_DIR, `vitest-${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"}.log`);
process.env.KEEL_PUBLIC_URL = "http://localhost:3000";
