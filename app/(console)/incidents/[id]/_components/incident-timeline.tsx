"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { groupTimeline } from "@/lib/incidents/timeline-groups";
import { addIncidentNoteInput } from "@/lib/schemas/incidents";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { TimelineRunGroup } from "./timeline-run-group";
import type { TimelineEntryView } from "./types";
import { useIncidentForm } from "./use-incident-form";

const CATEGORY_LABELS: Record<TimelineEntryView["category"], { label: string; tone: string }> = {
  incident: { label: "Incident", tone: "danger" },
  status: { label: "Status", tone: "warn" },
  role: { label: "Role", tone: "info" },
  note: { label: "Note", tone: "muted" },
  follow_up: { label: "Follow-up", tone: "muted" },
  run: { label: "Run", tone: "info" },
  step: { label: "Step", tone: "ok" },
  approval: { label: "Approval", tone: "warn" },
};

/**
 * The incident's one timeline, oldest first: its own changes, the notes people add, and every
 * step of the runs inside it, read from the audit trail and refreshed live. A run's progress
 * between two decisions folds into one entry; notes, approvals and refusals always show.
 */
export function IncidentTimeline({ incidentId, canWrite }: { incidentId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const timeline = useQuery(trpc.incidents.timeline.queryOptions({ incidentId }));
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {canWrite ? <NoteForm incidentId={incidentId} /> : null}
      {timeline.isError ? <FormError error={readClientError(timeline.error)} /> : null}
      {timeline.data?.truncated ? (
        <p className="alert warn">Only the first 5,000 entries are shown; the audit history has them all.</p>
      ) : null}
      {timeline.data ? (
        <ol className="list timeline" aria-label="Incident timeline">
          {groupTimeline(timeline.data.entries).map((item) =>
            item.kind === "entry" ? (
              <TimelineItem key={item.entry.seq} entry={item.entry} canWrite={canWrite} />
            ) : (
              <TimelineRunGroup
                key={`run-${item.key}`}
                run={item.run}
                entries={item.entries}
                steps={item.steps}
                troubled={item.troubled}
              >
                {item.entries.map((entry) => (
                  <TimelineItem key={entry.seq} entry={entry} canWrite={canWrite} />
                ))}
              </TimelineRunGroup>
            ),
          )}
        </ol>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

function TimelineItem({ entry, canWrite }: { entry: TimelineEntryView; canWrite: boolean }) {
  const category = CATEGORY_LABELS[entry.category];
  const note = entry.note;
  const superseded = note?.supersededById != null;
  return (
    <li data-testid="timeline-entry" data-category={entry.category} className={superseded ? "superseded" : undefined}>
      <span className="stack timeline-main">
        <span>
          <span className={`badge ${category.tone}`}>{category.label}</span>{" "}
          {entry.run ? (
            <>
              <Link prefetch={false} href={`/runs/${entry.run.id}`}>
                Run {entry.run.number}
              </Link>
              :{" "}
            </>
          ) : null}
          {note ? (
            <>
              {note.pinned && !superseded ? <span className="badge warn">Pinned</span> : null}
              {note.supersedesId ? <span className="badge muted">Edited</span> : null}
              {superseded ? <span className="badge muted">Superseded by a later edit</span> : null}{" "}
              <span className="note-body">{note.body}</span>
            </>
          ) : (
            entry.text
          )}
          {entry.outcome === "refused" || entry.outcome === "failure" ? (
            <>
              {" "}
              <span className="badge danger">{entry.outcome}</span>
            </>
          ) : null}
          <span className="muted small"> · {entry.actorLabel}</span>
        </span>
        {note && canWrite && !superseded ? (
          <NoteActions noteId={note.id} body={note.body} pinned={note.pinned} />
        ) : null}
      </span>
      <span className="small muted">
        #{entry.seq} · {formatDateTime(entry.at)}
      </span>
    </li>
  );
}

function NoteForm({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const add = useMutation(
    trpc.incidents.addNote.mutationOptions({ onSuccess: () => void form.refresh(), onError: form.onError }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const parsed = addIncidentNoteInput.safeParse({
      incidentId,
      body: data.get("note-body"),
      pinned: data.get("note-pinned") === "on",
    });
    if (!parsed.success) {
      form.setFields(fieldErrorsOf(parsed.error));
      return;
    }
    form.clear();
    add.mutate(parsed.data, { onSuccess: () => element.reset() });
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <FormError error={form.error} />
      <Field
        id="note-body"
        label="Add a note"
        error={form.fields.body}
        hint="What you see, what you tried, what you decided. Notes are never changed: an edit adds a new version."
      >
        <textarea {...fieldAria("note-body", form.fields.body)} rows={2} />
      </Field>
      <div className="row">
        <label className="choice small">
          <input type="checkbox" name="note-pinned" /> Pin it to the top
        </label>
        <span className="spacer" />
        <button className="button" type="submit" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add note"}
        </button>
      </div>
    </form>
  );
}

function NoteActions({ noteId, body, pinned }: { noteId: string; body: string; pinned: boolean }) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const [editing, setEditing] = useState(false);
  const pin = useMutation(
    trpc.incidents.pinNote.mutationOptions({ onSuccess: () => void form.refresh(), onError: form.onError }),
  );
  const edit = useMutation(
    trpc.incidents.editNote.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        void form.refresh();
      },
      onError: form.onError,
    }),
  );
  const fieldId = `edit-${noteId}`;
  const problem =
    form.error ??
    (form.fields.pinned || form.fields.noteId
      ? { code: "", message: form.fields.pinned ?? form.fields.noteId!, fields: {}, requestId: null }
      : null);
  return (
    <span className="stack">
      <FormError error={problem} />
      {editing ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            form.clear();
            edit.mutate({ noteId, body: String(new FormData(event.currentTarget).get(fieldId) ?? "") });
          }}
        >
          <Field
            id={fieldId}
            label="New version of the note"
            error={form.fields.body}
            hint="The current text stays on the timeline, marked superseded."
          >
            <textarea {...fieldAria(fieldId, form.fields.body)} rows={2} defaultValue={body} />
          </Field>
          <div className="row">
            <button className="button small" type="submit" disabled={edit.isPending}>
              Save new version
            </button>
            <button className="button small secondary" type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <span className="row">
          <button className="button small secondary" type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            className="button small secondary"
            type="button"
            disabled={pin.isPending}
            onClick={() => pin.mutate({ noteId, pinned: !pinned })}
          >
            {pinned ? "Unpin" : "Pin"}
          </button>
        </span>
      )}
    </span>
  );
}
