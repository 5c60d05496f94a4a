import { sql } from "drizzle-orm";
import { checkExecutable, runCommandOrFail } from "../../connectors/command";
import { readFileIfExists, writeFileAtomic } from "../../connectors/files";
import type { SinkEntry } from "../entry";
import type { FileSinkConfig } from "../target-kind";
import { formatAllowLine, parseAllowFile, withEntry, withoutEntry } from "./allow-file";
import type { AllowlistSink, SinkContext } from "./sink";

/**
 * An nginx allow include file. Read, change and write happen under a PostgreSQL advisory lock on
 * the file's path, so a run adding an entry and the expiry sweep removing another (in this
 * process or another instance) never lose each other's line.
 */
export function fileSink(config: FileSinkConfig): AllowlistSink {
  const label = `file ${config.path}`;

  async function change(context: SinkContext, next: (content: string | null) => string): Promise<boolean> {
    const changed = await context.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`keel-allowlist-file:${config.path}`}))`);
      const before = readFileIfExists(config.path);
      const after = next(before);
      if (after === before) return false;
      writeFileAtomic(config.path, after);
      return true;
    });
    // A crash may have come between the write and the reload: a resumed step reloads again.
    if (changed || context.resumed) await reload(context);
    return changed;
  }

  async function reload(context: SinkContext): Promise<void> {
    if (!config.reload) return;
    checkExecutable(config.reload.executable);
    context.log(`${label}: running ${[config.reload.executable, ...config.reload.args].join(" ")}`);
    await runCommandOrFail(config.reload, { signal: context.signal, onLine: (line) => context.log(`reload: ${line}`) });
  }

  const reloadNote = config.reload ? `, then run ${[config.reload.executable, ...config.reload.args].join(" ")}` : "";

  return {
    label,
    async planAdd(entry) {
      const present = parseAllowFile(readFileIfExists(config.path)).find((e) => e.id === entry.id);
      return {
        target: label,
        description: present
          ? "The line is already in the file; nothing changes."
          : `Add one allow line before the file's trailer${reloadNote}.`,
        before: present ? formatAllowLine(present) : `(no line for ${entry.cidr})`,
        after: formatAllowLine(entry),
      };
    },
    async planRemove(entry) {
      const present = parseAllowFile(readFileIfExists(config.path)).find((e) => e.id === entry.id);
      return {
        target: label,
        description: present
          ? `Remove the entry's allow line${reloadNote}.`
          : "The file has no line for this entry; nothing changes.",
        before: present ? formatAllowLine(present) : `(no line for ${entry.cidr})`,
        after: `(no line for ${entry.cidr})`,
      };
    },
    async add(entry: SinkEntry, context) {
      const changed = await change(context, (content) => withEntry(content, entry, config.trailer));
      context.log(
        changed ? `${label}: added ${formatAllowLine(entry)}` : `${label}: the line for ${entry.cidr} is already there`,
      );
      return changed ? "added" : "present";
    },
    async remove(entryId, context) {
      const present = parseAllowFile(readFileIfExists(config.path)).some((e) => e.id === entryId);
      if (!present) {
        context.log(`${label}: no line for entry ${entryId}`);
        if (context.resumed) await reload(context);
        return "absent";
      }
      await change(context, (content) => withoutEntry(content, entryId, config.trailer));
      context.log(`${label}: removed the line of entry ${entryId}`);
      return "removed";
    },
    async list() {
      return parseAllowFile(readFileIfExists(config.path));
    },
  };
}
