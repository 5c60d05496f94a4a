/**
 * "a lead", "an admin", "an allowlist": the indefinite article for a word the console puts into a
 * sentence (a role, a target kind). By sound for the few words that need it, else by first letter.
 */
const AN_BY_SOUND = new Set(["hour", "honest", "sla", "sql", "slo", "http", "html", "mtls", "ssh"]);
const A_BY_SOUND = new Set(["user", "url", "uuid", "one", "unit", "unique", "usb"]);

export function withArticle(word: string): string {
  return `${articleFor(word)} ${word}`;
}

export function articleFor(word: string): "a" | "an" {
  const lower = word.trim().toLowerCase();
  const first = lower.split(/[^a-z0-9]/)[0] ?? lower;
  if (AN_BY_SOUND.has(first)) return "an";
  if (A_BY_SOUND.has(first) || first.startsWith("eu") || first.startsWith("uni")) return "a";
  return /^[aeiou]/.test(lower) ? "an" : "a";
}
