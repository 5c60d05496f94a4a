"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { STATUS_DESCRIPTIONS, STATUS_LABELS, type IncidentStatus } from "@/lib/incidents/status";
import { changeIncidentStatusInput, reopenIncidentInput } from "@/lib/schemas/incidents";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import type { IncidentView } from "./types";
import { useIncidentForm } from "./use-incident-form";

/** Where the incident stands, and the moves this person may make from here. */
export function StatusControl({ incident }: { incident: IncidentView }) {
  if (incident.status === "resolved") return <ReopenForm incident={incident} />;
  if (!incident.can.changeStatus) {
    return (
      <section className="card">
        <h2>Status: {STATUS_LABELS[incident.status]}</h2>
        <p className="muted">{STATUS_DESCRIPTIONS[incident.status]}. Responders change the status.</p>
      </section>
    );
  }
  return <ChangeStatusForm incident={incident} />;
}

function ChangeStatusForm({ incident }: { incident: IncidentView }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const [next, setNext] = useState<IncidentStatus | "">("");
  const change = useMutation(
    trpc.incidents.changeStatus.mutationOptions({
      onSuccess: () => {
        setNext("");
        void form.refresh();
      },
      onError: form.onError,
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = changeIncidentStatusInput.safeParse({
      incidentId: incident.id,
      status: next || undefined,
      summary: next === "resolved" ? String(data.get("summary") ?? "") : undefined,
      impact: next === "resolved" ? String(data.get("impact") ?? "") : undefined,
    });
    if (!parsed.success) {
      form.setFields(fieldErrorsOf(parsed.error));
      return;
    }
    form.clear();
    change.mutate(parsed.data);
  }

  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status: {STATUS_LABELS[incident.status]}</h2>
      <p className="muted">{STATUS_DESCRIPTIONS[incident.status]}.</p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={form.error} />
        <Field id="status" label="Move to" error={form.fields.status}>
          <select
            {...fieldAria("status", form.fields.status)}
            value={next}
            onChange={(e) => setNext(e.target.value as IncidentStatus | "")}
          >
            <option value="">Choose the new status…</option>
            {incident.can.nextStatuses.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}: {STATUS_DESCRIPTIONS[status]}
              </option>
            ))}
          </select>
        </Field>
        {next === "resolved" ? (
          <>
            <Field
              id="summary"
              label="Summary"
              error={form.fields.summary}
              hint="Required: what happened and what fixed it. It opens the postmortem."
            >
              <textarea {...fieldAria("summary", form.fields.summary)} rows={4} />
            </Field>
            <Field
              id="impact"
              label="Impact (optional)"
              error={form.fields.impact}
              hint="Who or what was affected, and for how long."
            >
              <textarea {...fieldAria("impact", form.fields.impact)} rows={2} />
            </Field>
          </>
        ) : null}
        <div className="row">
          <button className="button" type="submit" disabled={change.isPending || next === ""}>
            {change.isPending ? "Saving…" : next === "resolved" ? "Resolve the incident" : "Change status"}
          </button>
        </div>
      </form>
    </section>
  );
}

function ReopenForm({ incident }: { incident: IncidentView }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const [open, setOpen] = useState(false);
  const reopen = useMutation(
    trpc.incidents.reopen.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        void form.refresh();
      },
      onError: form.onError,
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = reopenIncidentInput.safeParse({
      incidentId: incident.id,
      reason: new FormData(event.currentTarget).get("reason"),
    });
    if (!parsed.success) {
      form.setFields(fieldErrorsOf(parsed.error));
      return;
    }
    form.clear();
    reopen.mutate(parsed.data);
  }

  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status: Resolved</h2>
      <p className="muted">The incident is over. Notes and runs need it reopened; follow-ups can still be added.</p>
      {incident.can.reopen && !open ? (
        <button className="button secondary" type="button" onClick={() => setOpen(true)}>
          Reopen…
        </button>
      ) : null}
      {open ? (
        <form className="form" onSubmit={onSubmit} noValidate>
          <FormError error={form.error} />
          <Field id="reason" label="Why reopen it" error={form.fields.reason} hint="It goes back to investigating.">
            <textarea {...fieldAria("reason", form.fields.reason)} rows={2} />
          </Field>
          <div className="row">
            <button className="button" type="submit" disabled={reopen.isPending}>
              {reopen.isPending ? "Reopening…" : "Reopen the incident"}
            </button>
            <button className="button secondary" type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
