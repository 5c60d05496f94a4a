"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { ROLE_DESCRIPTIONS, ROLES } from "@/lib/roles";
import { createUserInput } from "@/lib/schemas/users";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";

export function CreateUserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (email: string, oneTimePassword: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<ClientErrorInfo | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (result) => onCreated(result.user.email, result.oneTimePassword),
      onError: (cause) => {
        const info = readClientError(cause);
        setFields(info.fields);
        setError(Object.keys(info.fields).length > 0 ? null : info);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createUserInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) {
      setFields(fieldErrorsOf(parsed.error));
      return;
    }
    setFields({});
    setError(null);
    create.mutate(parsed.data);
  }

  return (
    <section className="card" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Add a user</h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <div className="grid grid-2">
          <Field id="email" label="Email" error={fields.email}>
            <input {...fieldAria("email", fields.email)} type="email" autoComplete="off" />
          </Field>
          <Field id="name" label="Name" error={fields.name}>
            <input {...fieldAria("name", fields.name)} type="text" autoComplete="off" />
          </Field>
        </div>
        <Field id="role" label="Role" error={fields.role} hint="Each role includes the ones before it.">
          <select {...fieldAria("role", fields.role)} defaultValue="responder">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}: {ROLE_DESCRIPTIONS[role]}
              </option>
            ))}
          </select>
        </Field>
        <div className="row">
          <button className="button" type="submit" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add user"}
          </button>
          <button className="button secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
