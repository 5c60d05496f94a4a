"use client";

import { useQuery } from "@tanstack/react-query";
import { type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { createChecklistInput } from "@/lib/checklists/inputs";
import { useTRPC } from "@/lib/trpc/client";
import { Placeholder } from "@/app/_components/placeholder";
import { useFormMutation } from "@/lib/forms/use-form-mutation";

/** A lead makes a checklist from a template: every item, due by its priority from the launch date. */
export function CreateChecklistForm({
  viewerId,
  onCreated,
  onCancel,
}: {
  viewerId: string;
  onCreated: (id: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const templates = useQuery(trpc.checklists.templates.queryOptions());
  const people = useQuery(trpc.checklists.people.queryOptions());
  const {
    fields,
    error,
    mutation: create,
    submit,
  } = useFormMutation(
    trpc.checklists.create.mutationOptions({
      onSuccess: (result) => onCreated(result.id),
    }),
    createChecklistInput,
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    submit(
      Object.fromEntries(
        ["templateId", "name", "service", "serviceUrl", "launchDate", "ownerId"].map((k) => [k, form.get(k) ?? ""]),
      ),
    );
  }

  return (
    <section className="card" aria-labelledby="new-checklist-title">
      <h2 id="new-checklist-title">New checklist</h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <Field
          id="templateId"
          label="Template"
          error={fields.templateId}
          hint="Each item keeps the template version it came from."
        >
          <select {...fieldAria("templateId", fields.templateId)} defaultValue="">
            <option value="" disabled>
              Choose a template
            </option>
            {templates.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title} (v{t.version}, {t.items} items)
              </option>
            ))}
          </select>
        </Field>
        <div className="grid grid-2">
          <Field id="name" label="Name" error={fields.name} hint="The launch, e.g. “Checkout v2 launch”.">
            <input {...fieldAria("name", fields.name)} type="text" />
          </Field>
          <Field
            id="service"
            label="Service"
            error={fields.service}
            hint={
              <>
                Probes use it as <Placeholder name="service" /> (e.g. the database target whose backups count).
              </>
            }
          >
            <input {...fieldAria("service", fields.service)} type="text" autoCapitalize="none" />
          </Field>
          <Field
            id="serviceUrl"
            label="Service URL"
            error={fields.serviceUrl}
            hint={
              <>
                Optional: where the service answers; probes use it as <Placeholder name="serviceUrl" />.
              </>
            }
          >
            <input
              {...fieldAria("serviceUrl", fields.serviceUrl)}
              type="url"
              autoCapitalize="none"
              spellCheck={false}
            />
          </Field>
          <Field
            id="launchDate"
            label="Launch date"
            error={fields.launchDate}
            hint="Due dates follow it: critical 7 days before, high 3 days before, medium 7 days after."
          >
            <input {...fieldAria("launchDate", fields.launchDate)} type="date" />
          </Field>
        </div>
        <Field id="ownerId" label="Owner" error={fields.ownerId}>
          <select {...fieldAria("ownerId", fields.ownerId)} defaultValue={viewerId}>
            {people.data?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.email})
              </option>
            ))}
          </select>
        </Field>
        <div className="row">
          <button className="button" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create checklist"}
          </button>
          <button className="button secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
