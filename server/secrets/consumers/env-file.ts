import { readFileIfExists, writeFileAtomic } from "../../connectors/files";

/**
 * Env-style files (`NAME=value` lines, as systemd, Docker and dotenv read them): reading and
 * replacing one variable while every other line stays as it was.
 */

const SAFE_BARE = /^[A-Za-z0-9_\-.\/+=:@,]*$/;

function lineMatches(line: string, variable: string): boolean {
  return new RegExp(`^\\s*(export\\s+)?${variable}\\s*=`).test(line);
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
    return value
      .slice(1, -1)
      .replace(/\\(["\\$`])/g, "$1")
      .replace(/\\n/g, "\n");
  // An unquoted value ends at a comment that follows whitespace.
  return value.replace(/\s+#.*$/, "");
}

/** The value a file gives `variable` (the last assignment wins, as readers do), or null when it has none. */
export function envValueOf(content: string | null, variable: string): string | null {
  if (content === null) return null;
  let found: string | null = null;
  for (const line of content.split("\n")) {
    if (!lineMatches(line, variable)) continue;
    found = unquote(line.slice(line.indexOf("=") + 1));
  }
  return found;
}

/** How a value is written so that every reader gets it back unchanged: bare when plain, else single-quoted (taken literally). */
export function envAssignment(variable: string, value: string): string {
  if (SAFE_BARE.test(value)) return `${variable}=${value}`;
  if (!value.includes("'") && !value.includes("\n")) return `${variable}='${value}'`;
  throw new Error(
    `the value cannot be written safely to an env file (it contains a quote or a line break); choose another alphabet for this secret`,
  );
}

/** The file's content with `variable` set to `value`: its line replaced in place (others removed), or added at the end. */
export function withEnvValue(content: string | null, variable: string, value: string): string {
  const assignment = envAssignment(variable, value);
  const lines = content === null || content === "" ? [] : content.replace(/\n$/, "").split("\n");
  let replaced = false;
  const out: string[] = [];
  for (const line of lines) {
    if (!lineMatches(line, variable)) out.push(line);
    else if (!replaced) {
      out.push(line.match(/^\s*export\s+/) ? `export ${assignment}` : assignment);
      replaced = true;
    }
  }
  if (!replaced) out.push(assignment);
  return `${out.join("\n")}\n`;
}

/** Sets the variable in the file, atomically and readable by its owner only. Returns false when it already had the value. */
export function writeEnvValue(file: string, variable: string, value: string): boolean {
  const content = readFileIfExists(file);
  if (envValueOf(content, variable) === value) return false;
  writeFileAtomic(file, withEnvValue(content, variable, value), 0o600);
  return true;
}
