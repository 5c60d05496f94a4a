"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import Link from "next/link";
import { formatCalendarDate } from "@/lib/checklists/dates";
import { PRIORITIES } from "@/lib/checklists/template";
import { addFollowUpInput, trackFollowUpInput } from "@/lib/schemas/incidents";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import type { IncidentView } from "./types";
import { useIncidentForm } from "./use-incident-form";

/** What should happen after the incident, and who owns it; listed in the postmortem. */
export function FollowUps({ incident }: { incident: IncidentView }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const options = useQuery({ ...trpc.incidents.formOptions.queryOptions(), enabled: incident.can.addFollowUp });
  const add = useMutation(
    trpc.incidents.addFollowUp.mutationOptions({ onSuccess: () => void form.refresh(), onError: form.onError }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const parsed = addFollowUpInput.safeParse({
      incidentId: incident.id,
      text: data.get("follow-up-text"),
      ownerId: data.get("follow-up-owner"),
    });
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
      {incident.followUps.length === 0 ? (
        <p className="muted small">Nothing to follow up yet. Add what should change so this does not happen again.</p>
      ) : null}
      <ul className="list" aria-label="Follow-ups">
        {incident.followUps.map((item) => (
          <li key={item.id} aria-label={item.text}>
            <span>{item.text}</span>
            <span className="small muted">{item.owner?.name ?? "unknown"}</span>
            {item.tracked ? (
              <span className="follow-up-track small" data-testid="follow-up-tracked">
                Tracked in{" "}
                <Link prefetch={false} href={`/checklists/${item.tracked.checklistId}#item-${item.tracked.itemId}`}>
                  {item.tracked.checklistName}
                </Link>{" "}
                · {item.tracked.statusLabel}{" "}
                <span className="muted">
                  ({item.tracked.priority}, due {formatCalendarDate(item.tracked.dueDate)})
                </span>
              </span>
            ) : incident.can.trackFollowUp ? (
              <TrackFollowUpForm followUp={item} incident={incident} />
            ) : (
              <span className="follow-up-track small muted">
                Not in a readiness checklist yet; a lead or a checklist&apos;s owner can add it.
              </span>
            )}
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

type FollowUpView = IncidentView["followUps"][number];

/** Adds one follow-up to a readiness checklist, as an item of its "Incident follow-ups" section. */
function TrackFollowUpForm({ followUp, incident }: { followUp: FollowUpView; incident: IncidentView }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const track = useMutation(
    trpc.incidents.trackFollowUp.mutationOptions({ onSuccess: () => void form.refresh(), onError: form.onError }),
  );
  const id = `track-${followUp.id}`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = trackFollowUpInput.safeParse({
      followUpId: followUp.id,
      checklistId: data.get(`${id}-checklist`),
      priority: data.get(`${id}-priority`),
    });
    if (!parsed.success) {
      form.setFields(fieldErrorsOf(parsed.error));
      return;
    }
    form.clear();
    track.mutate(parsed.data);
  }

  return (
    <details className="follow-up-track item-details">
      <summary>Add to a readiness checklist</summary>
      <form
        className="form item-form"
        onSubmit={onSubmit}
        noValidate
        aria-label={`Add "${followUp.text}" to a checklist`}
      >
        <FormError error={form.error} />
        {form.fields.followUpId ? (
          <p className="field-error" role="alert">
            {form.fields.followUpId}
          </p>
        ) : null}
        <Field
          id={`${id}-checklist`}
          label="Checklist"
          error={form.fields.checklistId}
          hint={`It becomes an item owned by ${followUp.owner?.name ?? "the follow-up's owner"}, in the section "Incident follow-ups", due by the checklist's priority rule.`}
        >
          <select {...fieldAria(`${id}-checklist`, form.fields.checklistId)} defaultValue="">
            <option value="">Choose a checklist…</option>
            {incident.checklistChoices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.service}, launch {formatCalendarDate(c.launchDate)})
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-priority`} label="Priority" error={form.fields.priority}>
          <select {...fieldAria(`${id}-priority`, form.fields.priority)} defaultValue="high">
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <button className="button secondary" type="submit" disabled={track.isPending}>
          {track.isPending ? "Adding…" : "Add to checklist"}
        </button>
      </form>
    </details>
  );
}
