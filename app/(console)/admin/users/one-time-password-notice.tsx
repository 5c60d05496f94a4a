"use client";

import { LongToken } from "@/app/_components/long-token";

/** Shows a one-time password exactly once; it is not stored anywhere the admin can see it again. */
export function OneTimePasswordNotice({
  email,
  password,
  reason,
  onDismiss,
}: {
  email: string;
  password: string;
  reason: string;
  onDismiss: () => void;
}) {
  return (
    <div className="alert ok stack" role="status" data-testid="one-time-password">
      <div>
        {reason} Give <strong>{email}</strong> this one-time password; they must choose their own at first sign-in. It
        will not be shown again.
      </div>
      <div className="row">
        <LongToken value={password} what="one-time password" className="secret-once" />
        <button className="button ghost small" type="button" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}
