import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { appSettings } from "@/db/schema";

export async function readSetting<T extends Record<string, unknown>>(db: Queryable, key: string): Promise<T | null> {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, key));
  return (row?.value as T | undefined) ?? null;
}

export async function writeSetting(db: Queryable, key: string, value: Record<string, unknown>): Promise<void> {
  await db
    .insert(appSettings)
    .values({ key, value })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: new Date() } });
}
