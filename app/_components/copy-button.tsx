"use client";

import { useEffect, useState } from "react";

/**
 * A small button that copies a long value (a token shown once, a fingerprint, a commit, a request
 * id) to the clipboard. Its accessible name is "Copy <what>"; it says "Copied" for a moment after.
 */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="button secondary small copy-button"
      aria-label={`Copy ${what}`}
      onClick={() => {
        if (!navigator.clipboard) return setState("failed");
        navigator.clipboard.writeText(value).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Select and copy it" : "Copy"}
      </span>
    </button>
  );
}
