"use client";

import { type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { ROLE_DESCRIPTIONS, ROLES } from "@/lib/roles";
import { createUserInput } from "@/lib/schemas/users";
import { useTRPC } from "@/lib/trpc/client";
import { useFormMutation } from "@/lib/forms/use-form-mutation";

export function CreateUserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (email: string, oneTimePassword: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const {
    fields,
    error,
    mutation: create,
    submit,
  } = useFormMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (result) => onCreated(result.user.email, result.oneTimePassword),
    }),
    createUserInput,
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit(Object.fromEntries(new FormData(event.currentTarget)));
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
