"use client";

import { signIn } from "next-auth/react";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";

type Props = {
  callbackUrl: string;
  initialError: string | null;
  oidc: { id: string; name: string } | null;
};

export function SignInForm({ callbackUrl, initialError, oidc }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (!result || result.error) {
        setError(signInErrorMessage(result?.error ?? ""));
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setError("Keel could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <form className="form" onSubmit={onSubmit} noValidate>
        {error ? (
          <div className="alert error" role="alert">
            {error}
          </div>
        ) : null}
        <Field id="email" label="Email">
          <input {...fieldAria("email")} type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field id="password" label="Password">
          <input {...fieldAria("password")} type="password" autoComplete="current-password" required />
        </Field>
        <button className="button block" type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {oidc ? (
        <>
          <div className="divider">or</div>
          <button
            className="button secondary block"
            type="button"
            onClick={() => void signIn(oidc.id, { callbackUrl })}
          >
            Continue with {oidc.name}
          </button>
        </>
      ) : null}
    </>
  );
}
