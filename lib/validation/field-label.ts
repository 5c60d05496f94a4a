/** Short words written in capitals wherever they appear in a field's name. */
const ACRONYMS = new Set(["url", "ip", "cidr", "id", "ids", "sla", "rpo", "rto", "api", "sql", "http"]);

/** Keys whose words are not their parts' words. */
const WORDS: Record<string, string> = { expiresAt: "Expiry date" };

/**
 * A field's key in words, for a person: "launchDate" → "Launch date", "inputs.backupName" →
 * "Backup name", "health.url" → "Health URL", "ownerId" → "Owner". Positions in a list and a
 * leading "inputs" are left out; a trailing "Id" is dropped, since the person chose a thing.
 */
export function fieldLabel(path: string): string {
  const parts = path.split(".").filter((part) => part !== "" && !/^\d+$/.test(part));
  if (parts.length > 1 && parts[0] === "inputs") parts.shift();
  if (parts.length === 1 && WORDS[parts[0]!]) return WORDS[parts[0]!]!;
  const words = parts
    .join(" ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase()
    .split(/\s+/);
  if (words.length > 1 && (words.at(-1) === "id" || words.at(-1) === "ids")) {
    const plural = words.pop() === "ids";
    if (plural) words.push(`${words.pop()}s`);
  }
  const text = words.map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word)).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A field's message as the person reads it: one that starts with the field's raw key
 * ("launchDate: …") starts with the key in words instead ("Launch date: …").
 */
export function messageForField(field: string, message: string): string {
  const keys = [field, field.split(".").pop() ?? field];
  for (const key of keys)
    if (message.startsWith(`${key}: `)) return `${fieldLabel(field)}: ${message.slice(key.length + 2)}`;
  return message;
}
