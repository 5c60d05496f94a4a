"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { bindCheckInput } from "@/lib/checklists/inputs";
import { PROBE_KINDS, type ProbeKind } from "@/lib/checklists/probes";
import { useTRPC } from "@/lib/trpc/client";
import { Placeholder } from "@/app/_components/placeholder";
import { useFormErrors } from "@/lib/forms/use-form-errors";
import type { ItemView } from "./item-card";

const NUMBER_FIELDS = new Set(["expectStatus", "maxAgeHours", "withinDays", "timeoutSeconds"]);
const FIELDS: Record<ProbeKind, { name: string; label: string; hint?: ReactNode }[]> = {
  http: [
    {
      name: "url",
      label: "URL",
      hint: (
        <>
          May start with <Placeholder name="serviceUrl" />. Redirects are not followed.
        </>
      ),
    },
    { name: "expectStatus", label: "Expected status" },
    {
      name: "headers",
      label: "Expected headers",
      hint: "One per line: name, or name: text it must contain (e.g. strict-transport-security: max-age).",
    },
  ],
  "https-redirect": [{ name: "url", label: "URL", hint: "Asked over plain HTTP; must redirect to https://." }],
  "backup-age": [
    {
      name: "database",
      label: "Database target",
      hint: (
        <>
          May be <Placeholder name="service" />.
        </>
      ),
    },
    { name: "maxAgeHours", label: "Newest backup younger than (hours)" },
  ],
  "audit-verify": [],
  "runbook-succeeded": [
    { name: "runbook", label: "Runbook id" },
    { name: "withinDays", label: "Within the last (days)" },
  ],
  "secret-rotated": [
    { name: "secret", label: "Managed secret" },
    { name: "withinDays", label: "Within the last (days)" },
  ],
  check: [
    { name: "check", label: "Registered check", hint: "As a runbook's check step names it, e.g. keel.audit-chain." },
    { name: "input", label: "Input (JSON)", hint: "The check's input, e.g. {}" },
  ],
};

/** A lead binds an item to a probe or a registered check, or unbinds it. */
export function BindCheckForm({ item, onChanged }: { item: ItemView; onChanged: () => void }) {
  const trpc = useTRPC();
  const [kind, setKind] = useState<ProbeKind | "none">(item.verify?.probe ?? "none");
  const { fields, error, fail, refuse, setFields, clear } = useFormErrors();
  const bind = useMutation(
    trpc.checklists.bindCheck.mutationOptions({
      onSuccess: () => (clear(), onChanged()),
      onError: fail,
    }),
  );
  const id = (name: string) => `bind-${name}-${item.id}`;
  const current = (item.verify ?? {}) as Record<string, unknown>;
  const initial = (name: string): string => {
    if (name === "headers")
      return ((current.expectHeaders as { name: string; contains?: string }[] | undefined) ?? [])
        .map((h) => (h.contains ? `${h.name}: ${h.contains}` : h.name))
        .join("\n");
    if (name === "input") return JSON.stringify(current.input ?? {});
    const value = current[name];
    return value === undefined ? (name === "expectStatus" ? "200" : "") : String(value);
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reconfirm = String(form.get(id("reconfirm")) ?? "").trim();
    let verify: Record<string, unknown> | null = null;
    if (kind !== "none") {
      verify = { probe: kind };
      for (const field of FIELDS[kind]) {
        const raw = String(form.get(id(field.name)) ?? "").trim();
        if (field.name === "headers") {
          verify.expectHeaders = raw
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
            .map((line) => {
              const [name, ...rest] = line.split(":");
              const contains = rest.join(":").trim();
              return contains ? { name: name!.trim(), contains } : { name: name!.trim() };
            });
        } else if (field.name === "input") {
          try {
            verify.input = raw ? JSON.parse(raw) : {};
          } catch {
            setFields({ "verify.input": "Write the input as JSON, e.g. {}" });
            return;
          }
        } else verify[field.name] = NUMBER_FIELDS.has(field.name) ? Number(raw) : raw;
      }
    }
    const parsed = bindCheckInput.safeParse({
      itemId: item.id,
      verify,
      reconfirmEveryDays: reconfirm === "" ? null : Number(reconfirm),
    });
    if (!parsed.success) return refuse(parsed.error);
    bind.mutate(parsed.data);
  }

  return (
    <form className="form item-form" onSubmit={onSubmit} noValidate aria-label={`Check for ${item.title}`}>
      <h3>Verified by Keel</h3>
      <FormError error={error} />
      <Field id={id("kind")} label="Check">
        <select id={id("kind")} value={kind} onChange={(e) => setKind(e.target.value as ProbeKind | "none")}>
          <option value="none">None: a person confirms it</option>
          {PROBE_KINDS.map((p) => (
            <option key={p.kind} value={p.kind}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      {kind !== "none" ? (
        <div className="grid grid-2">
          {FIELDS[kind].map((field) => {
            const key = field.name === "headers" ? "verify.expectHeaders" : `verify.${field.name}`;
            return (
              <Field
                key={`${kind}-${field.name}`}
                id={id(field.name)}
                label={field.label}
                hint={field.hint}
                error={fields[key]}
              >
                {field.name === "headers" ? (
                  <textarea {...fieldAria(id(field.name), fields[key])} rows={3} defaultValue={initial(field.name)} />
                ) : (
                  <input
                    {...fieldAria(id(field.name), fields[key])}
                    type="text"
                    defaultValue={initial(field.name)}
                    spellCheck={false}
                  />
                )}
              </Field>
            );
          })}
        </div>
      ) : null}
      <Field
        id={id("reconfirm")}
        label="Confirm again every (days)"
        error={fields.reconfirmEveryDays}
        hint="Empty: once done, it stays done. Automated items are re-run when stale."
      >
        <input
          {...fieldAria(id("reconfirm"), fields.reconfirmEveryDays)}
          type="number"
          min={1}
          defaultValue={item.reconfirmEveryDays ?? ""}
        />
      </Field>
      <button className="button small secondary" type="submit" disabled={bind.isPending}>
        Save check
      </button>
    </form>
  );
}
