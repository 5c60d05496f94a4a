import type { ReactNode } from "react";
import { ConsoleShell } from "@/app/_components/console-shell";
import { TRPCReactProvider } from "@/lib/trpc/client";
import { requireSession } from "@/server/auth/require-session";

/** Every console page needs a live session; a one-time password must be replaced first. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  return (
    <TRPCReactProvider>
      <ConsoleShell user={session.user}>{children}</ConsoleShell>
    </TRPCReactProvider>
  );
}
