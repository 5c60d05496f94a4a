"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { changePasswordInput, PASSWORD_MIN_LENGTH } from "@/lib/schemas/account";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
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
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<ClientErrorInfo | null>(null);
  const mutation = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => onChanged(),
      onError: (cause) => {
        const info = readClientError(cause);
        setFields(info.fields);
        setError(Object.keys(info.fields).length > 0 ? null : info);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = changePasswordInput.safeParse(Object.fromEntries(form));
    if (!parsed.success) {
      setFields(fieldErrorsOf(parsed.error));
      return;
    }
    setFields({});
    setError(null);
    mutation.mutate(parsed.data);
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
