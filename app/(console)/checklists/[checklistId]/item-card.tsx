"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { formatCalendarDate } from "@/lib/checklists/dates";
import { SETTABLE_STATUSES, requestWaiverInput, updateItemInput } from "@/lib/checklists/inputs";
import { STATUS_LABELS } from "@/lib/checklists/readiness";
import { formatDateTime } from "@/lib/format/time";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { useFormErrors } from "@/lib/forms/use-form-errors";
import type { RouterOutputs } from "@/lib/trpc/outputs";
import { ItemStatusBadge, PriorityBadge } from "../_components/badges";
import type { Viewer } from "./checklist-page";
import { BindCheckForm } from "./bind-check-form";

export type ItemView = RouterOutputs["checklists"]["get"]["items"][number];
export type Person = RouterOutputs["checklists"]["people"][number];

export function ItemCard({
  item,
  viewer,
  selected,
  onSelect,
  onChanged,
}: {
  item: ItemView;
  viewer: Viewer;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const mayWork = viewer.lead || (viewer.responder && (item.ownerId === null || item.ownerId === viewer.id));
  const [checkError, setCheckError] = useState<ClientErrorInfo | null>(null);
  const runCheck = useMutation(
    trpc.checklists.runCheck.mutationOptions({
      onSuccess: () => (setCheckError(null), onChanged()),
      onError: (e) => setCheckError(readClientError(e)),
    }),
  );
  const pending = item.waivers.find((w) => w.status === "requested");
  const approved = item.waivers.find((w) => w.status === "approved");

  return (
    <li className={`checklist-item${item.overdue ? " overdue" : ""}`} id={`item-${item.id}`} aria-label={item.title}>
      <div className="item-head">
        {viewer.lead ? (
          <input
            type="checkbox"
            aria-label={`Select ${item.title}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        ) : null}
        <div className="item-title">
          <strong>{item.title}</strong>
          <div className="small muted">
            {item.section}
            {item.fromIncident ? (
              <>
                {" · "}
                <Link prefetch={false} href={`/incidents/${item.fromIncident.id}`} data-testid="item-from-incident">
                  From incident #{item.fromIncident.number}
                </Link>
              </>
            ) : null}
          </div>
        </div>
        <div className="item-facts">
          <PriorityBadge priority={item.priority} />
          <ItemStatusBadge status={item.status} stale={item.stale} />
          <span className="small">{item.owner ? item.owner.name : <span className="muted">Unassigned</span>}</span>
          <span className={`small${item.overdue ? " text-danger" : ""}`}>
            {item.overdue ? "Overdue: " : "Due "}
            {formatCalendarDate(item.dueDate)}
          </span>
        </div>
      </div>
      {item.statusReason ? <p className="small item-reason">{item.statusReason}</p> : null}
      {item.verifyLabel ? (
        <p className="small" data-testid="item-check">
          Verified by Keel: {item.verifyLabel}.{" "}
          {item.lastResult ? (
            <>
              Last ran {formatDateTime(item.lastResult.ranAt)}
              {item.lastResult.scheduled ? " (scheduled)" : ""}:{" "}
              <span className={`badge ${item.lastResult.passed ? "ok" : "danger"}`}>
                {item.lastResult.passed ? "passed" : "failed"}
              </span>{" "}
              {item.lastResult.summary}
            </>
          ) : (
            <span className="muted">Not run yet.</span>
          )}
          {item.reconfirmEveryDays ? (
            <span className="muted">
              {" "}
              Re-checked every {item.reconfirmEveryDays === 1 ? "day" : `${item.reconfirmEveryDays} days`}.
            </span>
          ) : null}
        </p>
      ) : item.reconfirmEveryDays ? (
        <p className="small muted">
          Confirm again every {item.reconfirmEveryDays === 1 ? "day" : `${item.reconfirmEveryDays} days`}.
        </p>
      ) : null}
      <Evidence item={item} />
      {approved ? (
        <p className="small">
          Waived until {formatDateTime(approved.expiresAt)} ({approved.reason}); requested by {approved.requestedBy},
          approved by {approved.decidedBy}.
        </p>
      ) : null}
      {pending ? <PendingWaiver waiver={pending} viewer={viewer} onChanged={onChanged} /> : null}
      {item.verify && mayWork ? (
        <div className="row">
          <button
            className="button small"
            type="button"
            onClick={() => runCheck.mutate({ itemId: item.id })}
            disabled={runCheck.isPending}
          >
            {runCheck.isPending ? "Checking…" : "Run check"}
          </button>
          <FormError error={checkError} />
        </div>
      ) : null}
      <details className="item-details">
        <summary>Details, comments{mayWork ? " and changes" : ""}</summary>
        {item.description ? <p>{item.description}</p> : null}
        {mayWork ? <UpdateItemForm item={item} viewer={viewer} onChanged={onChanged} /> : null}
        {viewer.responder && !pending && !["done", "waived", "not_applicable"].includes(item.status) ? (
          <RequestWaiverForm item={item} onChanged={onChanged} />
        ) : null}
        {viewer.lead ? <DueDateForm item={item} onChanged={onChanged} /> : null}
        {viewer.lead ? <BindCheckForm item={item} onChanged={onChanged} /> : null}
        <Comments item={item} canComment={viewer.responder} onChanged={onChanged} />
      </details>
    </li>
  );
}

function Evidence({ item }: { item: ItemView }) {
  const evidence = item.evidence;
  if (!evidence) return null;
  if (evidence.kind === "link")
    return (
      <p className="small">
        Evidence:{" "}
        <a href={evidence.url} rel="noreferrer noopener" target="_blank">
          {evidence.url}
        </a>
      </p>
    );
  if (evidence.kind === "note") return <p className="small">Evidence: {evidence.note}</p>;
  if (evidence.kind === "run")
    return (
      <p className="small">
        Evidence:{" "}
        <Link prefetch={false} href={`/runs/${evidence.runId}`}>
          Run {evidence.runNumber}
        </Link>
      </p>
    );
  if (!item.lastResult) return null;
  return (
    <details className="small">
      <summary>Evidence: check result of {formatDateTime(item.lastResult.ranAt)}</summary>
      <p>Checked: {item.lastResult.checked}</p>
      <pre className="observed">{JSON.stringify(item.lastResult.observed, null, 2)}</pre>
    </details>
  );
}

function PendingWaiver({
  waiver,
  viewer,
  onChanged,
}: {
  waiver: ItemView["waivers"][number];
  viewer: Viewer;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const [error, setError] = useState<ClientErrorInfo | null>(null);
  const options = {
    onSuccess: () => (setError(null), onChanged()),
    onError: (e: unknown) => setError(readClientError(e)),
  };
  const approve = useMutation(trpc.checklists.approveWaiver.mutationOptions(options));
  const reject = useMutation(trpc.checklists.rejectWaiver.mutationOptions(options));
  const mine = waiver.requestedById === viewer.id;
  return (
    <div className="alert info" role="group" aria-label="Waiver request">
      <p>
        Waiver requested by {waiver.requestedBy} until {formatDateTime(waiver.expiresAt)}: {waiver.reason}
      </p>
      {viewer.lead && !mine ? (
        <div className="row">
          <button
            className="button small"
            type="button"
            onClick={() => approve.mutate({ waiverId: waiver.id })}
            disabled={approve.isPending}
          >
            Approve waiver
          </button>
          <button
            className="button small secondary"
            type="button"
            onClick={() => reject.mutate({ waiverId: waiver.id })}
            disabled={reject.isPending}
          >
            Reject
          </button>
        </div>
      ) : (
        <p className="small muted">{mine ? "Another lead must approve your request." : "A lead decides."}</p>
      )}
      <FormError error={error} />
    </div>
  );
}

function UpdateItemForm({ item, viewer, onChanged }: { item: ItemView; viewer: Viewer; onChanged: () => void }) {
  const trpc = useTRPC();
  const errors = useFormErrors();
  const [kind, setKind] = useState<"none" | "link" | "note" | "run">("none");
  const update = useMutation(
    trpc.checklists.updateItem.mutationOptions({
      onSuccess: () => (errors.clear(), setKind("none"), onChanged()),
      onError: errors.fail,
    }),
  );
  const id = (name: string) => `${name}-${item.id}`;
  const statuses = SETTABLE_STATUSES.filter((s) => s !== "not_applicable" || viewer.lead);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = String(form.get(id("evidence")) ?? "");
    const evidence =
      kind === "link"
        ? { kind, url: value }
        : kind === "note"
          ? { kind, note: value }
          : kind === "run"
            ? { kind, run: value }
            : undefined;
    const status = String(form.get(id("status")));
    const parsed = updateItemInput.safeParse({
      itemId: item.id,
      status: status === item.status && status !== "done" ? undefined : status,
      reason: String(form.get(id("reason")) ?? "") || undefined,
      evidence,
    });
    if (!parsed.success) return errors.refuse(parsed.error);
    update.mutate(parsed.data);
  }

  return (
    <form className="form item-form" onSubmit={onSubmit} noValidate aria-label={`Update ${item.title}`}>
      <FormError error={errors.error} />
      <div className="grid grid-2">
        <Field
          id={id("status")}
          label="Status"
          error={errors.fields.status}
          hint={item.status === "done" ? "Saving “Done” again confirms it again." : undefined}
        >
          <select
            {...fieldAria(id("status"), errors.fields.status)}
            defaultValue={item.status === "waived" ? "todo" : item.status}
          >
            {statuses.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={id("reason")}
          label="Reason or note"
          error={errors.fields.reason}
          hint="Why it is blocked or not applicable."
        >
          <input {...fieldAria(id("reason"), errors.fields.reason)} type="text" />
        </Field>
        <Field id={id("evidence-kind")} label="Evidence">
          <select id={id("evidence-kind")} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="none">No new evidence</option>
            <option value="link">A link</option>
            <option value="note">A note</option>
            <option value="run">A run of Keel</option>
          </select>
        </Field>
        {kind !== "none" ? (
          <Field
            id={id("evidence")}
            label={kind === "link" ? "Link" : kind === "note" ? "Note" : "Run number or id"}
            error={errors.fields["evidence.url"] ?? errors.fields["evidence.note"] ?? errors.fields["evidence.run"]}
          >
            <input {...fieldAria(id("evidence"), errors.fields["evidence.run"])} type="text" />
          </Field>
        ) : null}
      </div>
      <button className="button small" type="submit" disabled={update.isPending}>
        Save item
      </button>
    </form>
  );
}

function RequestWaiverForm({ item, onChanged }: { item: ItemView; onChanged: () => void }) {
  const trpc = useTRPC();
  const errors = useFormErrors();
  const request = useMutation(
    trpc.checklists.requestWaiver.mutationOptions({
      onSuccess: () => (errors.clear(), onChanged()),
      onError: errors.fail,
    }),
  );
  const id = (name: string) => `${name}-${item.id}`;
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = requestWaiverInput.safeParse({
      itemId: item.id,
      reason: form.get(id("waiver-reason")),
      expiresAt: form.get(id("waiver-expires")),
    });
    if (!parsed.success) return errors.refuse(parsed.error);
    request.mutate(parsed.data);
  }
  return (
    <form className="form item-form" onSubmit={onSubmit} noValidate aria-label={`Request a waiver for ${item.title}`}>
      <h3>Request a waiver</h3>
      <FormError error={errors.error} />
      <div className="grid grid-2">
        <Field id={id("waiver-reason")} label="Why it can wait" error={errors.fields.reason}>
          <input {...fieldAria(id("waiver-reason"), errors.fields.reason)} type="text" />
        </Field>
        <Field
          id={id("waiver-expires")}
          label="Waived until"
          error={errors.fields.expiresAt}
          hint="The item reopens that day and its owner is told."
        >
          <input {...fieldAria(id("waiver-expires"), errors.fields.expiresAt)} type="date" />
        </Field>
      </div>
      <button className="button small secondary" type="submit" disabled={request.isPending}>
        Request waiver
      </button>
    </form>
  );
}

function DueDateForm({ item, onChanged }: { item: ItemView; onChanged: () => void }) {
  const trpc = useTRPC();
  const errors = useFormErrors();
  const save = useMutation(
    trpc.checklists.setDueDate.mutationOptions({
      onSuccess: () => (errors.clear(), onChanged()),
      onError: errors.fail,
    }),
  );
  const id = `due-${item.id}`;
  return (
    <form
      className="form item-form"
      noValidate
      aria-label={`Due date of ${item.title}`}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ itemId: item.id, dueDate: String(new FormData(e.currentTarget).get(id)) });
      }}
    >
      <FormError error={errors.error} />
      <Field
        id={id}
        label="Due date"
        error={errors.fields.dueDate}
        hint={
          item.dueDateOverridden
            ? "Set by hand: it stays when the launch date moves."
            : "From the priority and the launch date; setting it by hand pins it."
        }
      >
        <input {...fieldAria(id, errors.fields.dueDate)} type="date" defaultValue={item.dueDate} />
      </Field>
      <button className="button small secondary" type="submit" disabled={save.isPending}>
        Set due date
      </button>
    </form>
  );
}

function Comments({ item, canComment, onChanged }: { item: ItemView; canComment: boolean; onChanged: () => void }) {
  const trpc = useTRPC();
  const errors = useFormErrors();
  const add = useMutation(
    trpc.checklists.comment.mutationOptions({ onSuccess: () => (errors.clear(), onChanged()), onError: errors.fail }),
  );
  const id = `comment-${item.id}`;
  return (
    <div className="item-comments">
      <h3>Comments</h3>
      {item.comments.length === 0 ? <p className="small muted">No comments yet.</p> : null}
      <ul className="list">
        {item.comments.map((c) => (
          <li key={c.id}>
            <span>{c.body}</span>
            <span className="small muted">
              {c.author}, {formatDateTime(c.createdAt)}
            </span>
          </li>
        ))}
      </ul>
      {canComment ? (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            add.mutate(
              { itemId: item.id, body: String(new FormData(form).get(id) ?? "") },
              { onSuccess: () => form.reset() },
            );
          }}
        >
          <FormError error={errors.error} />
          <Field id={id} label="Add a comment" error={errors.fields.body}>
            <textarea {...fieldAria(id, errors.fields.body)} rows={2} />
          </Field>
          <button className="button small secondary" type="submit" disabled={add.isPending}>
            Comment
          </button>
        </form>
      ) : null}
    </div>
  );
}
