import { articleFor } from "../../lib/format/article";

/**
 * The console's language check , run by every browser journey on the text a
 * person sees: a raw template (`{{`), a doubled full stop at the end of a sentence ("above.."), or
 * "a" before a word that starts with a vowel letter and takes "an" ("a incident"; "a user", "a
 * one-time" and "a UUID" are fine). Returns one line per problem, quoting the text around it.
 */
export function copyProblems(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(/\{\{/g)) problems.push(`raw template: ${around(text, match.index)}`);
  // A full stop doubled at a sentence's end, not an ellipsis, a "../" path or a "a..b" range.
  for (const match of text.matchAll(/(?<!\.)\.\.(?=\s|$)/g))
    problems.push(`doubled full stop: ${around(text, match.index)}`);
  // Lower-case "a" anywhere; "A" where a sentence or line starts.
  for (const match of text.matchAll(
    /(?<![\p{L}\p{N}'’._/-])(a|(?<=^|[\n.!?:]\s*)A)[ \u00a0]([\p{L}][\p{L}\p{N}-]*)/gmu,
  )) {
    const word = match[2]!;
    if (/^[aeiou]/i.test(word) && articleFor(word) === "an")
      problems.push(`"a" before "${word}": ${around(text, match.index)}`);
  }
  return problems;
}

function around(text: string, index: number): string {
  return JSON.stringify(text.slice(Math.max(0, index - 30), index + 40).replace(/\s+/g, " "));
}
