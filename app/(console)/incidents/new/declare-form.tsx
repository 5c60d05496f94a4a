"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { INCIDENT_SEVERITIES, SEVERITY_DESCRIPTIONS } from "@/lib/incidents/status";
import { declareIncidentInput } from "@/lib/schemas/incidents";
import { useTRPC } from "@/lib/trpc/client";
import { useFormMutation } from "@/lib/forms/use-form-mutation";

/** Splits "a, b c" into ["a", "b", "c"]. */
export function splitTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Declaring an incident: what is wrong, how bad, which services, who leads. */
export function DeclareIncidentForm({ viewerId }: { viewerId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.incidents.formOptions.queryOptions());
  const {
    fields,
    error,
    mutation: declare,
    submit,
  } = useFormMutation(
    trpc.incidents.declare.mutationOptions({
      onSuccess: (result) => router.push(`/incidents/${result.incidentId}`),
    }),
    declareIncidentInput,
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    submit({
      title: form.get("title"),
      severity: form.get("severity") ?? undefined,
      services: form.getAll("services"),
      tags: splitTags(String(form.get("tags") ?? "")),
      commanderId: form.get("commanderId") || null,
    });
  }

  const serviceError = fields.services ?? Object.entries(fields).find(([key]) => key.startsWith("services."))?.[1];
  const tagError = fields.tags ?? Object.entries(fields).find(([key]) => key.startsWith("tags."))?.[1];

  return (
    <>
      <div className="page-header">
        <div>
          <p className="small">
            <Link prefetch={false} href="/incidents">
              ← Incidents
            </Link>
          </p>
          <h1>Declare an incident</h1>
          <p>Say what is wrong now; you can add notes, people and runs from the incident page as you learn more.</p>
        </div>
      </div>
      <section className="card">
        <form className="form" onSubmit={onSubmit} noValidate>
          <FormError error={error} />
          <Field
            id="title"
            label="What is wrong"
            error={fields.title}
            hint="One line a colleague understands at a glance, e.g. “Checkout returns 500 for card payments”."
          >
            <input {...fieldAria("title", fields.title)} type="text" autoComplete="off" />
          </Field>
          <fieldset className="choices" aria-describedby={fields.severity ? "severity-error" : undefined}>
            <legend>Severity</legend>
            {INCIDENT_SEVERITIES.map((severity) => (
              <label key={severity} className="choice">
                <input type="radio" name="severity" value={severity} />
                <span>
                  <strong>{severity}</strong> <span className="muted">{SEVERITY_DESCRIPTIONS[severity]}</span>
                </span>
              </label>
            ))}
            {fields.severity ? (
              <span className="field">
                <span className="field-error" id="severity-error" role="alert">
                  {fields.severity}
                </span>
              </span>
            ) : null}
          </fieldset>
          <fieldset className="choices" aria-describedby={serviceError ? "services-error" : "services-hint"}>
            <legend>Affected services</legend>
            {options.data && options.data.services.length === 0 ? (
              <p className="muted small">Keel knows no services yet: add service targets under Admin → Targets.</p>
            ) : null}
            <div className="chips">
              {options.data?.services.map((service) => (
                <label key={service} className="choice">
                  <input type="checkbox" name="services" value={service} /> {service}
                </label>
              ))}
            </div>
            <span className="field">
              {serviceError ? (
                <span className="field-error" id="services-error" role="alert">
                  {serviceError}
                </span>
              ) : (
                <span className="hint" id="services-hint">
                  The runbooks for these services are suggested on the incident page.
                </span>
              )}
            </span>
          </fieldset>
          <Field
            id="tags"
            label="Tags (optional)"
            error={tagError}
            hint="Words separated by commas or spaces, e.g. latency, 5xx, rollback. Runbooks with the same tags are suggested too."
          >
            <input
              {...fieldAria("tags", tagError)}
              type="text"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
            />
          </Field>
          <Field
            id="commanderId"
            label="Commander"
            error={fields.commanderId}
            hint="Leads the response and decides. You by default; hand it over any time from the incident page."
          >
            <select {...fieldAria("commanderId", fields.commanderId)} defaultValue={viewerId}>
              {options.data?.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.email}){p.id === viewerId ? " — you" : ""}
                </option>
              ))}
            </select>
          </Field>
          <div className="row">
            <button className="button" type="submit" disabled={declare.isPending}>
              {declare.isPending ? "Declaring…" : "Declare the incident"}
            </button>
            <Link prefetch={false} className="button secondary" href="/incidents">
              Cancel
            </Link>
          </div>
        </form>
      </section>
    </>
  );
}
