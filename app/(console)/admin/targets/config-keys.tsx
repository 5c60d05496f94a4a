import { withArticle } from "@/lib/format/article";
import type { RouterOutputs } from "@/lib/trpc/outputs";

type Kind = RouterOutputs["targets"]["kinds"][number];

/** What a kind's config takes, one key a line, so nobody has to guess the spelling at 3 a.m. */
export function ConfigKeys({ kind }: { kind: Kind }) {
  if (kind.keys.length === 0)
    return (
      <>
        One key per line, like <code>key: value</code>.
      </>
    );
  return (
    <span className="config-keys">
      <span>{capitalised(withArticle(kind.label.toLowerCase()))} takes:</span>
      <span>
        {kind.keys.map((key) => (
          <span key={key.key} className="config-key">
            <code>{key.key}</code> {key.type}
            {key.required
              ? ", required"
              : key.defaultValue !== undefined
                ? `, default ${key.defaultValue}`
                : ", optional"}
            {key.when ? ` (with ${key.when})` : ""}
            {key.description ? ` (${key.description})` : ""}
          </span>
        ))}
      </span>
    </span>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
