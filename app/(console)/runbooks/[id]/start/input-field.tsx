"use client";

import { Field, fieldAria } from "@/app/_components/field";
import type { InputDefinition } from "@/lib/runbooks/definition";
import { withArticle } from "@/lib/format/article";

const TYPE_HINTS: Partial<Record<InputDefinition["type"], string>> = {
  duration: "A duration such as 90s, 15m, 24h or 30d.",
  ip: "An IPv4 or IPv6 address, or a CIDR range such as 203.0.113.0/24.",
  secret: "Sent once, kept encrypted for this run only, never shown again.",
};

/** One form control for a runbook input, chosen by its type; initial: a value carried over from an earlier run. */
export function InputField({
  input,
  error,
  options,
  initial,
}: {
  input: InputDefinition;
  error?: string;
  options?: string[];
  initial?: string;
}) {
  const id = `input-${input.name}`;
  const aria = { ...fieldAria(id, error), name: input.name };
  const hint = [input.help, TYPE_HINTS[input.type]].filter(Boolean).join(" ");
  const label = input.required ? input.label : `${input.label} (optional)`;
  return (
    <Field id={id} label={label} hint={hint || undefined} error={error}>
      {renderControl(input, aria, options ?? [], initial)}
    </Field>
  );
}

function renderControl(
  input: InputDefinition,
  aria: Record<string, unknown>,
  options: string[],
  initial: string | undefined,
) {
  switch (input.type) {
    case "string":
      return input.multiline ? (
        <textarea {...aria} rows={4} defaultValue={initial ?? input.default ?? ""} />
      ) : (
        <input {...aria} type="text" defaultValue={initial ?? input.default ?? ""} autoComplete="off" />
      );
    case "number":
      return (
        <input {...aria} type="number" defaultValue={initial ?? input.default ?? ""} step={input.integer ? 1 : "any"} />
      );
    case "boolean":
      return (
        <label className="row small">
          <input
            {...aria}
            type="checkbox"
            defaultChecked={initial !== undefined ? initial === "true" : (input.default ?? false)}
            value="true"
          />{" "}
          Yes
        </label>
      );
    case "enum":
      return (
        <select {...aria} defaultValue={initial ?? input.default ?? ""}>
          {!input.default ? <option value="">Choose…</option> : null}
          {input.options.map((option) => {
            const value = typeof option === "string" ? option : option.value;
            return (
              <option key={value} value={value}>
                {typeof option === "string" ? option : option.label}
              </option>
            );
          })}
        </select>
      );
    case "secret":
      return <input {...aria} type="password" autoComplete="new-password" />;
    case "ref":
      return (
        <select {...aria} defaultValue={initial ?? input.default ?? ""}>
          <option value="">
            {options.length === 0 ? `No ${input.target} is configured` : `Choose ${withArticle(input.target)}…`}
          </option>
          {options.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      );
    default:
      return (
        <input
          {...aria}
          type="text"
          defaultValue={initial ?? ("default" in input ? (input.default ?? "") : "")}
          autoComplete="off"
          spellCheck={false}
        />
      );
  }
}
