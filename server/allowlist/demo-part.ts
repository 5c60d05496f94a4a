import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { allowlistEntries } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import { checkExecutable, type CommandSpec } from "../connectors/command";
import { writeFileAtomic } from "../connectors/files";
import type { DemoContext, DemoPart } from "../demo/environment";
import { removeTarget, saveTarget } from "../targets/commands";
import { emptyAllowFile } from "./sinks/allow-file";
import type { AllowlistConfig } from "./target-kind";

export const DEMO_ALLOWLIST = "demo-allowlist";

export function demoAllowlistFile(root: string): string {
  return path.join(root, "nginx", "keel-allowlist.conf");
}

/** /bin/true stands in for `nginx -s reload` when this machine has it: a real command that changes nothing. */
function harmlessReload(): CommandSpec | undefined {
  try {
    checkExecutable("/bin/true");
    return { executable: "/bin/true", args: [], timeoutSeconds: 10 };
  } catch {
    return undefined;
  }
}

/**
 * A real nginx include file under the demo root, registered as the allowlist "demo-allowlist",
 * so whitelist-ip can be run end to end and its effect read on disk.
 */
export const allowlistDemoPart: DemoPart = {
  name: "allowlist",
  async setUp(context: DemoContext) {
    const file = demoAllowlistFile(context.root);
    const config: AllowlistConfig = { sinks: [{ type: "file", path: file, trailer: [], reload: harmlessReload() }] };
    if (!existsSync(file)) writeFileAtomic(file, emptyAllowFile([]));
    await saveTarget(
      context.handle.db,
      context.actor,
      {
        kind: "allowlist",
        name: DEMO_ALLOWLIST,
        description: "nginx allow include file of the demo environment",
        config,
      },
      "demo",
    );
  },
  async tearDown(context: DemoContext) {
    const db = context.handle.db;
    // Entries in the demo allowlist end with it: nothing may go on trusting an address the demo allowed.
    await db.transaction(async (tx) => {
      const removed = await tx
        .update(allowlistEntries)
        .set({ removedAt: new Date(), removedBy: context.actor.userId, removalReason: "demo environment removed" })
        .where(and(eq(allowlistEntries.allowlist, DEMO_ALLOWLIST), isNull(allowlistEntries.removedAt)))
        .returning({ id: allowlistEntries.id, cidr: allowlistEntries.cidr });
      for (const entry of removed) {
        await appendAuditEvent(tx, context.actor, {
          eventType: "allowlist.removed",
          outcome: "success",
          entityType: "allowlist",
          entityId: DEMO_ALLOWLIST,
          meta: { entryId: entry.id, allowlist: DEMO_ALLOWLIST, cidr: entry.cidr, reason: "demo environment removed" },
        });
      }
    });
    await removeTarget(db, context.actor, "allowlist", DEMO_ALLOWLIST, "demo");
    rmSync(path.join(context.root, "nginx"), { recursive: true, force: true });
  },
};
