"use client";

import { type FormEvent } from "react";
import { changePasswordInput, PASSWORD_MIN_LENGTH } from "@/lib/schemas/account";
import { useTRPC } from "@/lib/trpc/client";
import { useFormMutation } from "@/lib/forms/use-form-mutation";
import { Field, fieldAria } from "./field";
import { FormError } from "./form-error";

/** Used at first sign-in (replacing the one-time password) and on the account page. */
export function ChangePasswordForm({
  onChanged,
  currentLabel = "Current password",
}: {
  onChanged: () => void;
  currentLabel?: string;
}) {
  const trpc = useTRPC();
  const { fields, error, mutation, submit } = useFormMutation(
    trpc.account.changePassword.mutationOptions({ onSuccess: () => onChanged() }),
    changePasswordInput,
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit(Object.fromEntries(new FormData(event.currentTarget)));
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <FormError error={error} />
      <Field id="currentPassword" label={currentLabel} error={fields.currentPassword}>
        <input
          {...fieldAria("currentPassword", fields.currentPassword)}
          type="password"
          autoComplete="current-password"
        />
      </Field>
      <Field
        id="newPassword"
        label="New password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        error={fields.newPassword}
      >
        <input {...fieldAria("newPassword", fields.newPassword)} type="password" autoComplete="new-password" />
      </Field>
      <Field id="confirmPassword" label="New password again" error={fields.confirmPassword}>
        <input {...fieldAria("confirmPassword", fields.confirmPassword)} type="password" autoComplete="new-password" />
      </Field>
      <button className="button" type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}
