import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import type { TargetEntry } from "./commands";
import { validateTarget } from "./commands";

/**
 * The targets file (KEEL_TARGETS_FILE, default runbooks/targets.yaml): top-level keys are kinds,
 * each a list of `{ name, description?, ...config }`.
 *
 *   service:
 *     - name: web
 *       healthUrl: https://web.example.com/healthz
 */
export function readTargetsFile(path: string): { entries: TargetEntry[]; problems: string[] } {
  if (!existsSync(path)) return { entries: [], problems: [] };
  let document: unknown;
  try {
    document = parse(readFileSync(path, "utf8"), { uniqueKeys: true }) ?? {};
  } catch (error) {
    return { entries: [], problems: [`${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (typeof document !== "object" || document === null || Array.isArray(document))
    return { entries: [], problems: [`${path}: expected kinds as top-level keys`] };
  const entries: TargetEntry[] = [];
  const problems: string[] = [];
  for (const [kind, list] of Object.entries(document)) {
    if (!Array.isArray(list)) {
      problems.push(`${path}: ${kind}: expected a list of targets`);
      continue;
    }
    list.forEach((item: unknown, index) => {
      const { name, description, ...config } = (item ?? {}) as Record<string, unknown>;
      const entry: TargetEntry = {
        kind,
        name: String(name ?? ""),
        description: typeof description === "string" ? description : undefined,
        config,
      };
      const checked = validateTarget(entry);
      if (checked.ok) entries.push({ ...entry, config: checked.config });
      else
        for (const [field, message] of Object.entries(checked.fields))
          problems.push(`${path}: ${kind}[${index}].${field.replace(/^config\./, "")}: ${message}`);
    });
  }
  return { entries, problems };
}
