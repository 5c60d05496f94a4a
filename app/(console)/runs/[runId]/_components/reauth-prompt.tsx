"use client";

import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import type { ReauthRequiredDetails } from "@/lib/schemas/account";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

/**
 * Shown in place of a high-risk command's error when the server asks for the password again:
 * the person enters it here, and `onConfirmed` repeats the command. A single sign-on session
 * has no Keel password, so it is sent through the provider again and comes back to this page.
 */
export function ReauthPrompt({
  id,
  message,
  details,
  onConfirmed,
  onCancel,
}: {
  id: string;
  message: string;
  details: ReauthRequiredDetails;
  onConfirmed: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const reauthenticate = useMutation(
    trpc.account.reauthenticate.mutationOptions({
      onSuccess: () => {
        setPassword("");
        onConfirmed();
      },
    }),
  );
  const info = reauthenticate.error ? readClientError(reauthenticate.error) : null;
  const fieldId = `${id}-password`;

  if (details.method === "oidc") {
    return (
      <section className="alert warn stack" aria-labelledby={`${id}-heading`}>
        <h3 id={`${id}-heading`}>Sign in again to continue</h3>
        <p>{message}</p>
        <div className="row">
          <button
            className="button"
            type="button"
            onClick={() => void signIn("oidc", { callbackUrl: window.location.href })}
          >
            Sign in again with single sign-on
          </button>
          <button className="button secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
        <p className="small">You come back to this run afterwards; press the button again to go ahead.</p>
      </section>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    reauthenticate.mutate({ password });
  };
  return (
    <form className="alert warn stack" aria-labelledby={`${id}-heading`} onSubmit={submit}>
      <h3 id={`${id}-heading`}>Confirm it is you</h3>
      <p>{message}</p>
      <FormError error={info && !info.fields.password ? info : null} />
      <Field
        id={fieldId}
        label="Your password"
        error={info?.fields.password}
        hint={`Keel will not ask again for ${details.windowMinutes} minutes.`}
      >
        <input
          {...fieldAria(fieldId, info?.fields.password)}
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <div className="row">
        <button className="button" type="submit" disabled={reauthenticate.isPending || password.length === 0}>
          {reauthenticate.isPending ? "Checking…" : "Confirm and continue"}
        </button>
        <button className="button secondary" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
