"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { addFollowUpInput } from "@/lib/schemas/incidents";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import type { IncidentView } from "./types";
import { useIncidentForm } from "./use-incident-form";

/** What should happen after the incident, and who owns it; listed in the postmortem. */
export function FollowUps({ incident }: { incident: IncidentView }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const options = useQuery({ ...trpc.incidents.formOptions.queryOptions(), enabled: incident.can.addFollowUp });
  const add = useMutation(trpc.incidents.addFollowUp.mutationOptions({ onSuccess: () => void form.refresh(), onError: form.onError }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const parsed = addFollowUpInput.safeParse({ incidentId: incident.id, text: data.get("follow-up-text"), ownerId: data.get("follow-up-owner") });
    if (!parsed.success) {
      form.setFields(fieldErrorsOf(parsed.error));
      return;
    }
    form.clear();
    add.mutate(parsed.data, { onSuccess: () => element.reset() });
  }

  return (
    <section className="card" aria-labelledby="follow-ups-title">
      <h2 id="follow-ups-title">Follow-ups</h2>
      {incident.followUps.length === 0 ? <p className="muted small">Nothing to follow up yet. Add what should change so this does not happen again.</p> : null}
      <ul className="list" aria-label="Follow-ups">
        {incident.followUps.map((item) => (
          <li key={item.id}>
            <span>{item.text}</span>
            <span className="small muted">{item.owner?.name ?? "unknown"}</span>
          </li>
        ))}
      </ul>
      {incident.can.addFollowUp ? (
        <form className="form" onSubmit={onSubmit} noValidate>
          <FormError error={form.error} />
          <Field id="follow-up-text" label="Follow-up" error={form.fields.text}>
            <input {...fieldAria("follow-up-text", form.fields.text)} type="text" autoComplete="off" />
          </Field>
          <Field id="follow-up-owner" label="Owner" error={form.fields.ownerId}>
            <select {...fieldAria("follow-up-owner", form.fields.ownerId)} defaultValue={incident.commander?.id ?? ""}>
              <option value="">Choose an owner…</option>
              {options.data?.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
          </Field>
          <button className="button secondary" type="submit" disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add follow-up"}
          </button>
        </form>
      ) : null}
    </section>
  );
}
