"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { useTRPC } from "@/lib/trpc/client";
import { Placeholder } from "@/app/_components/placeholder";
import { useFormErrors } from "@/lib/forms/use-form-errors";
import type { RouterOutputs } from "@/lib/trpc/outputs";
import type { Person } from "./item-card";

type Checklist = RouterOutputs["checklists"]["get"]["checklist"];

/** A lead moves the launch date (due dates follow), the owner or the service URL. */
export function ChecklistSettings({
  checklist,
  people,
  onSaved,
}: {
  checklist: Checklist;
  people: Person[];
  onSaved: () => void;
}) {
  const trpc = useTRPC();
  const { fields, error, fail, clear } = useFormErrors();
  const [saved, setSaved] = useState<string | null>(null);
  const update = useMutation(
    trpc.checklists.update.mutationOptions({
      onSuccess: (result) => (
        clear(),
        setSaved(
          result.movedDueDates > 0 ? `Saved; ${result.movedDueDates} due dates moved with the launch date.` : "Saved.",
        ),
        onSaved()
      ),
      onError: (cause) => (setSaved(null), fail(cause)),
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({
      checklistId: checklist.id,
      launchDate: String(form.get("settings-launchDate")),
      ownerId: String(form.get("settings-ownerId")),
      serviceUrl: String(form.get("settings-serviceUrl") ?? ""),
    });
  }
  return (
    <details className="card">
      <summary>Launch date, owner and service URL</summary>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        {saved ? <p className="alert ok">{saved}</p> : null}
        <div className="grid grid-2">
          <Field
            id="settings-launchDate"
            label="Launch date"
            error={fields.launchDate}
            hint="Due dates follow it, except ones set by hand."
          >
            <input
              {...fieldAria("settings-launchDate", fields.launchDate)}
              type="date"
              defaultValue={checklist.launchDate}
            />
          </Field>
          <Field id="settings-ownerId" label="Owner" error={fields.ownerId}>
            <select {...fieldAria("settings-ownerId", fields.ownerId)} defaultValue={checklist.ownerId}>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="settings-serviceUrl"
            label="Service URL"
            error={fields.serviceUrl}
            hint={
              <>
                Probes use it as <Placeholder name="serviceUrl" />.
              </>
            }
          >
            <input
              {...fieldAria("settings-serviceUrl", fields.serviceUrl)}
              type="url"
              defaultValue={checklist.serviceUrl}
            />
          </Field>
        </div>
        <button className="button small" type="submit" disabled={update.isPending}>
          Save
        </button>
      </form>
    </details>
  );
}
