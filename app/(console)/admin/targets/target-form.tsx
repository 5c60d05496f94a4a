"use client";

import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { saveTargetInput } from "@/lib/schemas/targets";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { useFormErrors } from "@/lib/forms/use-form-errors";
import type { RouterOutputs } from "@/lib/trpc/outputs";
import { ConfigKeys } from "./config-keys";

export type TargetFormMode = { mode: "create" } | { mode: "update"; kind: string; name: string };
type Kind = RouterOutputs["targets"]["kinds"][number];
type Values = { kind: string; name: string; description: string; config: string };

/** Adds a target, or edits one made on this page (the kind and name stay: they are how runbooks find it). */
export function TargetForm({
  mode,
  kinds,
  onSaved,
  onCancel,
}: {
  mode: TargetFormMode;
  kinds: Kind[];
  onSaved: (message: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const existing = useQuery(
    trpc.targets.get.queryOptions(mode.mode === "update" ? { kind: mode.kind, name: mode.name } : skipToken),
  );
  if (mode.mode === "update" && !existing.data) {
    return (
      <section className="card">
        {existing.isError ? (
          <FormError error={readClientError(existing.error)} />
        ) : (
          <p className="muted">Loading {mode.name}…</p>
        )}
      </section>
    );
  }
  const initial: Values = existing.data
    ? {
        kind: existing.data.kind,
        name: existing.data.name,
        description: existing.data.description,
        config: existing.data.configYaml,
      }
    : { kind: kinds[0]?.kind ?? "", name: "", description: "", config: "" };
  return <TargetFormFields mode={mode} kinds={kinds} initial={initial} onSaved={onSaved} onCancel={onCancel} />;
}

function TargetFormFields({
  mode,
  kinds,
  initial,
  onSaved,
  onCancel,
}: {
  mode: TargetFormMode;
  kinds: Kind[];
  initial: Values;
  onSaved: (message: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [values, setValues] = useState<Values>(initial);
  const { fields, error, fail, refuse, clear } = useFormErrors();
  const editing = mode.mode === "update";
  const kind = kinds.find((k) => k.kind === values.kind);
  const section = useRef<HTMLElement>(null);
  // On a phone the Edit button can be far below the form: bring the form into view.
  // Braces: an effect returns its cleanup, and scrollIntoView may return a value React would call.
  useEffect(() => {
    section.current?.scrollIntoView({ block: "start" });
  }, []);
  const save = useMutation(
    trpc.targets.save.mutationOptions({
      onSuccess: (result, input) =>
        onSaved(
          result.outcome === "unchanged"
            ? `${input.name} was already like this; nothing changed.`
            : `${input.name} ${result.outcome === "created" ? "added" : "saved"}.`,
        ),
      onError: fail,
    }),
  );
  const set = (key: keyof Values) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { mode: mode.mode, ...values };
    const parsed = saveTargetInput.safeParse(input);
    if (!parsed.success) return refuse(parsed.error);
    clear();
    save.mutate(input);
  }

  // The kind's schema names keys as config.<key>; they all belong under the one config box.
  const configErrors = Object.entries(fields).filter(([key]) => key === "config" || key.startsWith("config."));
  const configError =
    configErrors.length > 0
      ? configErrors.map(([key, message]) => (key === "config" ? message : `${key}: ${message}`)).join(" · ")
      : undefined;
  const title = editing ? `Edit ${values.name}` : "Add a target";

  return (
    <section className="card" aria-labelledby="target-form-title" ref={section}>
      <h2 id="target-form-title">{title}</h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <div className="grid grid-2">
          <Field id="kind" label="Kind" error={fields.kind} hint={editing ? "A target keeps its kind." : undefined}>
            <select {...fieldAria("kind", fields.kind)} value={values.kind} onChange={set("kind")} disabled={editing}>
              {kinds.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="name"
            label="Name"
            error={fields.name}
            hint={
              editing
                ? "Runbooks refer to it by this name, so it stays."
                : "Lower-case letters, digits and -, like payments-api."
            }
          >
            <input
              {...fieldAria("name", fields.name)}
              type="text"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={values.name}
              onChange={set("name")}
              readOnly={editing}
            />
          </Field>
        </div>
        <Field
          id="description"
          label="Description"
          error={fields.description}
          hint="Optional: what it is, for the people picking it during an incident."
        >
          <input
            {...fieldAria("description", fields.description)}
            type="text"
            autoComplete="off"
            value={values.description}
            onChange={set("description")}
          />
        </Field>
        <Field id="config" label="Configuration (YAML)" error={configError}>
          <textarea
            {...fieldAria("config", configError)}
            className="code-input"
            rows={8}
            spellCheck={false}
            autoCapitalize="none"
            placeholder={kind?.keys[0] ? `${kind.keys[0].key}: …` : "key: value"}
            value={values.config}
            onChange={set("config")}
          />
        </Field>
        {/* Kept in view beside an error: the keys are what the admin needs to fix it. */}
        {kind ? (
          <div className="muted small" id="config-keys">
            <ConfigKeys kind={kind} />
          </div>
        ) : null}
        <p className="muted small">
          Name secrets by their managed secret&apos;s name; never paste a secret value here.
        </p>
        <div className="row">
          <button className="button" type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : editing ? "Save changes" : "Add target"}
          </button>
          <button className="button secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
