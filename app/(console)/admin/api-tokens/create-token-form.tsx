"use client";

import { type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { API_TOKEN_SCOPES } from "@/lib/api-tokens/scopes";
import { API_TOKEN_SCOPE_DESCRIPTIONS, createApiTokenInput } from "@/lib/schemas/api-tokens";
import { useTRPC } from "@/lib/trpc/client";
import { useFormMutation } from "@/lib/forms/use-form-mutation";

export function CreateTokenForm({
  onCreated,
  onCancel,
}: {
  onCreated: (name: string, token: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const {
    fields,
    error,
    mutation: create,
    submit,
  } = useFormMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: (result, variables) => onCreated(variables.name, result.token),
    }),
    createApiTokenInput,
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    submit({ name: form.get("name"), scopes: form.getAll("scopes") });
  }

  return (
    <section className="card" aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create an API token</h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <Field
          id="name"
          label="Name"
          error={fields.name}
          hint="What uses it, so you know what breaks when you revoke it."
        >
          <input
            {...fieldAria("name", fields.name)}
            type="text"
            autoComplete="off"
            placeholder="CI: web deploy pipeline"
          />
        </Field>
        <fieldset className="field">
          <legend>Scopes</legend>
          {API_TOKEN_SCOPES.map((scope) => (
            <label key={scope} className="row">
              <input type="checkbox" name="scopes" value={scope} defaultChecked />
              <code>{scope}</code> <span className="muted small">{API_TOKEN_SCOPE_DESCRIPTIONS[scope]}</span>
            </label>
          ))}
          {fields.scopes ? (
            <span className="field-error" role="alert">
              {fields.scopes}
            </span>
          ) : null}
        </fieldset>
        <div className="row">
          <button className="button" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
          <button className="button secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
