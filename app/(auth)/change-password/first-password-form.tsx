"use client";

import { useRouter } from "next/navigation";
import { ChangePasswordForm } from "@/app/_components/change-password-form";

export function FirstPasswordForm() {
  const router = useRouter();
  return (
    <ChangePasswordForm
      currentLabel="One-time password"
      onChanged={() => {
        router.replace("/");
        router.refresh();
      }}
    />
  );
}
