"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { FormError } from "@/app/_components/form-error";
import { RiskBadge } from "@/app/_components/risk-badge";
import { buildInputSchema, type RefOptions } from "@/lib/runbooks/input-schema";
import { readingText } from "@/lib/runbooks/reading-text";
import { soleChoices } from "@/lib/runbooks/sole-choice";
import { RUN_STATUS_LABELS } from "@/lib/runs/status-labels";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import type { RestartValues } from "@/server/runs/restart-values";
import type { StartableRunbook } from "@/server/runs/startable-runbook";
import { IncidentField, type OpenIncident } from "./incident-field";
import { InputField } from "./input-field";

const KIND_LABELS = { manual: "You do", check: "Keel checks", action: "Keel changes", approval: "Approval" } as const;

/** The start form, generated from the runbook's inputs and validated with the server's schema. */
export type StartInsideIncident = { id: string; number: number; title: string; status: string } | null;

export function StartRunForm({
  runbook,
  refOptions,
  incident = null,
  restart = null,
  prefill = {},
  openIncidents = [],
}: {
  runbook: StartableRunbook;
  refOptions: RefOptions;
  incident?: StartInsideIncident;
  restart?: RestartValues | null;
  /** Values a link filled in (an incident's service), over any carried over from an earlier run. */
  prefill?: Record<string, string>;
  /** Incidents the run can be part of; the one it was opened from is chosen. */
  openIncidents?: OpenIncident[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  // One key per form: a double click or a retried request starts one run, not two.
  const [requestKey] = useState(() => crypto.randomUUID());
  const [fields, setFields] = useState<Record<string, string>>({});
  // The only allowlist, service or database there is: chosen already, still shown and changeable.
  const [sole] = useState(() => soleChoices(runbook.inputs, refOptions));
  // What is chosen so far: every text below reads with it ("Add the entry to edge"), or names what is not chosen yet.
  const [chosen, setChosen] = useState<Record<string, unknown>>(() =>
    initialChoices(runbook, { ...sole, ...restart?.values, ...prefill }),
  );
  const reading = {
    inputs: chosen,
    inputLabels: Object.fromEntries(runbook.inputs.map((i) => [i.name, i.label])),
    secretInputs: new Set(runbook.inputs.filter((i) => i.type === "secret").map((i) => i.name)),
  };
  const stepTitles = Object.fromEntries(runbook.steps.map((step) => [step.id, readingText(step.title, reading)]));
  const [error, setError] = useState<ClientErrorInfo | null>(null);
  const start = useMutation(
    trpc.runs.start.mutationOptions({
      onSuccess: (run) => router.push(`/runs/${run.runId}`),
      onError: (cause) => {
        const info = readClientError(cause);
        const inputFields = Object.fromEntries(
          Object.entries(info.fields).map(([key, message]) => [key.replace(/^inputs\./, ""), message]),
        );
        setFields(inputFields);
        setError(Object.keys(inputFields).length > 0 ? null : info);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = formValues(event.currentTarget, runbook);
    const parsed = buildInputSchema(runbook.inputs, refOptions).safeParse(values);
    const clientErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    if (Object.keys(clientErrors).length > 0) {
      setFields(clientErrors);
      return;
    }
    setFields({});
    setError(null);
    const chosenIncident = new FormData(event.currentTarget).get("incidentId");
    start.mutate({
      runbookId: runbook.id,
      inputs: values,
      requestKey,
      incidentId: typeof chosenIncident === "string" && chosenIncident !== "" ? chosenIncident : null,
    });
  }

  return (
    <>
      <div className="page-header">
        <div>
          <p className="small">
            {incident ? (
              <Link prefetch={false} href={`/incidents/${incident.id}`}>
                ← Incident {incident.number}: {incident.title}
              </Link>
            ) : (
              <Link prefetch={false} href={`/runbooks/${runbook.id}`}>← {runbook.title}</Link>
            )}
          </p>
          <h1>Start: {runbook.title}</h1>
          <p>{runbook.summary}</p>
        </div>
        <RiskBadge risk={runbook.risk} />
      </div>
      <div className="grid grid-2">
        <section className="card">
          <h2>Inputs</h2>
          <form
            className="form"
            onSubmit={onSubmit}
            onChange={(event) => setChosen(formValues(event.currentTarget, runbook))}
            noValidate
          >
            <FormError error={error} />
            {incident ? (
              <p className="alert info" data-testid="start-inside-incident">
                This run is part of{" "}
                <strong>
                  Incident {incident.number}: {incident.title}
                </strong>
                : its steps appear on the incident&apos;s timeline.
              </p>
            ) : null}
            {restart ? (
              <p className="alert info" data-testid="start-again-from">
                Filled in from <Link prefetch={false} href={`/runs/${restart.runId}`}>run {restart.runNumber}</Link> (
                {RUN_STATUS_LABELS[restart.status].toLowerCase()}): change what needs changing, then start.
                {restart.secretsToRetype.length > 0
                  ? ` Secret values are never carried over: type ${restart.secretsToRetype.join(", ")} again.`
                  : ""}
              </p>
            ) : null}
            {runbook.inputs.length === 0 ? <p className="muted">This runbook needs no inputs.</p> : null}
            {openIncidents.length > 0 ? (
              <IncidentField incidents={openIncidents} selected={incident?.id ?? null} error={fields.incidentId} />
            ) : null}
            {runbook.inputs.map((input) => (
              <InputField
                key={input.name}
                input={input}
                error={fields[input.name]}
                options={input.type === "ref" ? (refOptions[input.target] ?? []) : undefined}
                initial={prefill[input.name] ?? restart?.values[input.name] ?? sole[input.name]}
              />
            ))}
            <button className="button" type="submit" disabled={start.isPending}>
              {start.isPending ? "Starting…" : "Start the run"}
            </button>
            <p className="small muted">
              Nothing changes yet: every change is shown as a plan first, and you execute it yourself.
            </p>
          </form>
        </section>
        <section className="card">
          <h2>What will happen</h2>
          <ol className="step-outline">
            {runbook.steps.map((step) => (
              <li key={step.id}>
                <span className={`badge kind-${step.kind}`}>{KIND_LABELS[step.kind]}</span> {stepTitles[step.id]}
                {step.conditional ? <span className="muted small"> (only when it applies)</span> : null}
              </li>
            ))}
          </ol>
          {runbook.locks.length > 0 ? (
            <p className="small muted">
              Holds{" "}
              {runbook.locks.map((lock) => (
                <code key={lock.key}>{readingText(lock.key, reading)}</code>
              ))}{" "}
              while it runs; another run needing the same resource{" "}
              {runbook.locks.some((l) => l.onBusy === "refuse") ? "is refused" : "waits in a queue"}.
            </p>
          ) : null}
          <p className="small muted">
            Version {runbook.versionNumber}. The run stays on this version even if the runbook changes.
          </p>
        </section>
      </div>
    </>
  );
}

/** The form's values, as the server's input schema reads them. */
function formValues(form: HTMLFormElement, runbook: StartableRunbook): Record<string, unknown> {
  const data = new FormData(form);
  const values: Record<string, unknown> = {};
  for (const input of runbook.inputs)
    values[input.name] = input.type === "boolean" ? data.get(input.name) === "true" : (data.get(input.name) ?? "");
  return values;
}

/** Before anyone types: what the form shows already (defaults, or the values carried over from an earlier run). */
function initialChoices(runbook: StartableRunbook, given: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    runbook.inputs.map((input) => [input.name, given[input.name] ?? ("default" in input ? input.default : undefined)]),
  );
}
