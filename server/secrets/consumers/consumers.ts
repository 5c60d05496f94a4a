import { and, asc, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { targets } from "@/db/schema";
import { AppError } from "../../errors";
import { parseTargetConfig } from "../../targets/worker-group";
import { secretConsumerKind, SECRET_CONSUMER_KIND, type SecretConsumerConfig } from "./kind";

export type SecretConsumer = { name: string; config: SecretConsumerConfig };

/**
 * The consumers of one managed secret, by name. A consumer whose configuration no longer
 * validates is an error naming it: a rotation must not silently skip a service.
 */
export async function consumersOf(db: Queryable, secret: string): Promise<SecretConsumer[]> {
  const rows = await db
    .select()
    .from(targets)
    .where(and(eq(targets.kind, SECRET_CONSUMER_KIND), sql`${targets.config}->>'secret' = ${secret}`))
    .orderBy(asc(targets.name));
  return rows.map((row) => {
    const parsed = parseTargetConfig(secretConsumerKind, row.config);
    if (!parsed.success) {
      throw AppError.field(
        "consumers",
        `The secret consumer "${row.name}" is misconfigured: ${parsed.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    return { name: row.name, config: parsed.data as SecretConsumerConfig };
  });
}
