"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { useRefreshRun } from "./use-run-action";

/** Mark a manual step done (or confirm a check Keel could not verify), with a note or link kept as evidence. */
export function ManualControls({ run, step }: { run: RunView; step: RunStepView }) {
  const byHand = step.kind === "check";
  const trpc = useTRPC();
  const refresh = useRefreshRun(run.id);
  const [note, setNote] = useState("");
  const [link, setLink] = useState("");
  const confirm = useMutation(trpc.runs.confirm.mutationOptions({ onSuccess: () => void refresh() }));
  const error = confirm.error ? readClientError(confirm.error) : null;
  const required = step.evidenceMode === "required";
  return (
    <div className="stack">
      <FormError error={error && !error.fields.note && !error.fields.link ? error : null} />
      {step.evidenceMode !== "none" ? (
        <>
          <Field
            id="evidence-note"
            label={
              byHand
                ? "Evidence: what you checked by hand"
                : required
                  ? "Evidence: what you did or saw"
                  : "Note (optional)"
            }
            error={error?.fields.note}
          >
            <textarea
              {...fieldAria("evidence-note", error?.fields.note)}
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </Field>
          <Field
            id="evidence-link"
            label="Link (optional)"
            hint="A dashboard, ticket or message that shows it."
            error={error?.fields.link}
          >
            <input
              {...fieldAria("evidence-link", error?.fields.link)}
              type="text"
              inputMode="url"
              value={link}
              onChange={(e) => setLink(e.target.value)}
            />
          </Field>
        </>
      ) : null}
      <div>
        <button
          className="button"
          type="button"
          disabled={confirm.isPending}
          onClick={() =>
            confirm.mutate({
              runId: run.id,
              stepId: step.id,
              ...(note.trim() ? { note } : {}),
              ...(link.trim() ? { link } : {}),
            })
          }
        >
          {confirm.isPending ? "Saving…" : byHand ? "Confirm: checked by hand" : "Mark done"}
        </button>
      </div>
    </div>
  );
}
