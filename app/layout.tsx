import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { ZodWithoutEval } from "./_components/zod-without-eval";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keel", template: "%s · Keel" },
  description: "Runbooks, incidents and their record",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page carries a fresh CSP nonce, so none may be prerendered.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ZodWithoutEval />
        {children}
      </body>
    </html>
  );
}
