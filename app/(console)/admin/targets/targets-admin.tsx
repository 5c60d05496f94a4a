"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/lib/trpc/outputs";
import { SourceBadge } from "./source-badge";
import { TargetForm, type TargetFormMode } from "./target-form";

type TargetView = RouterOutputs["targets"]["list"][number];
type Ref = { kind: string; name: string };

export function TargetsAdmin({ banner, demoPanel }: { banner: ReactNode; demoPanel: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const targets = useQuery(trpc.targets.list.queryOptions());
  const kinds = useQuery(trpc.targets.kinds.queryOptions());
  const [form, setForm] = useState<TargetFormMode | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Ref | null>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.targets.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.demo.status.queryKey() }),
    ]);
  const remove = useMutation(
    trpc.targets.remove.mutationOptions({
      onSuccess: (_result, ref) => setNotice(`Removed ${ref.name}.`),
      onSettled: () => {
        setConfirming(null);
        void refresh();
      },
    }),
  );
  const noKinds = kinds.data?.length === 0;
  const groups = groupByKind(targets.data ?? []);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Targets</h1>
          <p>
            The services, databases, allowlists and secret consumers runbooks act on. A runbook asks for one by name.
          </p>
        </div>
        {!form && kinds.data && kinds.data.length > 0 ? (
          <button
            className="button"
            type="button"
            onClick={() => {
              setNotice(null);
              setForm({ mode: "create" });
            }}
          >
            Add target
          </button>
        ) : null}
      </div>
      <div className="stack">
        {banner}
        {notice ? (
          <div className="alert ok" role="status">
            {notice}
          </div>
        ) : null}
        {noKinds ? (
          <div className="alert info">
            This build of Keel registers no target kinds yet, so there is nothing to add here.
          </div>
        ) : null}
        {form && kinds.data ? (
          <TargetForm
            key={form.mode === "update" ? `${form.kind}:${form.name}` : "create"}
            mode={form}
            kinds={kinds.data}
            onCancel={() => setForm(null)}
            onSaved={(message) => {
              setForm(null);
              setNotice(message);
              void refresh();
            }}
          />
        ) : null}
        <FormError error={remove.error ? readClientError(remove.error) : null} />
        {targets.isError ? <FormError error={readClientError(targets.error)} /> : null}
        {targets.data && targets.data.length === 0 ? (
          <section className="card">
            <p className="empty">No targets yet. Declare them in the targets file, or add one here.</p>
          </section>
        ) : null}
        {groups.map(({ kind, label, items }) => (
          <section className="card" key={kind} aria-labelledby={`kind-${kind}`} data-testid={`targets-${kind}`}>
            <div className="card-title-row">
              <h2 id={`kind-${kind}`}>{label}</h2>
              <span className="muted small">{items.length === 1 ? "1 target" : `${items.length} targets`}</span>
            </div>
            <div className="table-wrap">
              <table className="table" aria-label={`${label} targets`}>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>What it is</th>
                    <th>From</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((target) => (
                    <TargetRow
                      key={target.name}
                      target={target}
                      confirming={confirming?.kind === target.kind && confirming.name === target.name}
                      removing={remove.isPending}
                      onEdit={() => {
                        setNotice(null);
                        setForm({ mode: "update", kind: target.kind, name: target.name });
                      }}
                      onAskRemove={() => setConfirming({ kind: target.kind, name: target.name })}
                      onCancelRemove={() => setConfirming(null)}
                      onRemove={() => remove.mutate({ kind: target.kind, name: target.name })}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
        {demoPanel}
      </div>
    </>
  );
}

function TargetRow(props: {
  target: TargetView;
  confirming: boolean;
  removing: boolean;
  onEdit: () => void;
  onAskRemove: () => void;
  onCancelRemove: () => void;
  onRemove: () => void;
}) {
  const { target } = props;
  return (
    <tr data-testid={`target-row-${target.kind}-${target.name}`}>
      <td data-label="Name">
        <strong>{target.name}</strong>
      </td>
      <td data-label="What it is">
        {/* One block: on a phone the cell is a flex row of label and content. */}
        <div>
          {target.description ? <div>{target.description}</div> : null}
          <div className="muted small">{target.summary}</div>
          {target.selfBackup ? <SelfBackupLine status={target.selfBackup} /> : null}
        </div>
      </td>
      <td data-label="From">
        <SourceBadge source={target.source} />
      </td>
      <td data-label="Actions">
        {target.source !== "admin" ? (
          <span className="muted small">
            {target.source === "file"
              ? "Change it in the targets file"
              : target.source === "builtin"
                ? "Set by KEEL_SELF_BACKUP_* at start"
                : "Goes with the demo environment"}
          </span>
        ) : props.confirming ? (
          <div className="row">
            <span className="small">Remove {target.name}? Runbooks can no longer use it.</span>
            <button className="button danger small" type="button" disabled={props.removing} onClick={props.onRemove}>
              Remove
            </button>
            <button className="button secondary small" type="button" onClick={props.onCancelRemove}>
              Cancel
            </button>
          </div>
        ) : (
          <div className="row">
            <button
              className="button secondary small"
              type="button"
              onClick={props.onEdit}
              aria-label={`Edit ${target.name}`}
            >
              Edit
            </button>
            <button
              className="button secondary small"
              type="button"
              onClick={props.onAskRemove}
              aria-label={`Remove ${target.name}`}
            >
              Remove
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

function groupByKind(targets: TargetView[]): { kind: string; label: string; items: TargetView[] }[] {
  const groups = new Map<string, { kind: string; label: string; items: TargetView[] }>();
  for (const target of targets) {
    const group = groups.get(target.kind) ?? { kind: target.kind, label: target.kindLabel, items: [] };
    group.items.push(target);
    groups.set(target.kind, group);
  }
  return [...groups.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** The last self-backup of Keel's own database, and the last error when it is newer. */
function SelfBackupLine({ status }: { status: NonNullable<TargetView["selfBackup"]> }) {
  const { lastSuccess, lastFailure } = status;
  const failing = lastFailure && (!lastSuccess || new Date(lastFailure.at) > new Date(lastSuccess.at));
  return (
    <div className="small" data-testid="self-backup-status">
      {lastSuccess ? (
        <div>
          Last backup {formatDateTime(lastSuccess.at)}: {lastSuccess.file} ({formatBytes(lastSuccess.bytes)})
        </div>
      ) : (
        <div>No backup yet: Keel takes the first one at start, then every KEEL_SELF_BACKUP_HOURS.</div>
      )}
      {failing ? (
        <div>
          <span className="badge danger">Last attempt failed</span> {formatDateTime(lastFailure.at)}:{" "}
          {lastFailure.error}
        </div>
      ) : null}
    </div>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
