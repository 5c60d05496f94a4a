"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ChangePasswordForm } from "@/app/_components/change-password-form";
import { useTRPC } from "@/lib/trpc/client";

export function AccountPasswordCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [changed, setChanged] = useState(0);
  return (
    <section className="card stack">
      <h2>Change password</h2>
      {changed > 0 ? (
        <div className="alert ok" role="status">
          Password changed. Your other sessions were signed out.
        </div>
      ) : null}
      <ChangePasswordForm
        key={changed}
        onChanged={() => {
          setChanged((n) => n + 1);
          void queryClient.invalidateQueries({ queryKey: trpc.account.pathKey() });
        }}
      />
    </section>
  );
}
