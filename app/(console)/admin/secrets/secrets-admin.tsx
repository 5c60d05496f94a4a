"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { QueryList } from "@/app/_components/query-list";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/lib/trpc/outputs";
import { CreateSecretForm } from "./create-secret-form";
import { LongToken } from "@/app/_components/long-token";

type Secret = RouterOutputs["secrets"]["list"][number];

/** The labels in use, in the order a rotation moves a value through them; retired ones are history. */
const LIVE_LABELS = ["pending", "current", "previous"] as const;
const LABEL_STYLE: Record<(typeof LIVE_LABELS)[number], { badge: string; meaning: string }> = {
  current: { badge: "badge ok", meaning: "in use" },
  pending: { badge: "badge warn", meaning: "being rolled out" },
  previous: { badge: "badge muted", meaning: "still accepted during the grace period" },
};

export function SecretsAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; fingerprint: string } | null>(null);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Secrets</h1>
          <p>
            Secrets Keel keeps encrypted and rotates. Nobody can read a value here: each one is shown only as its
            fingerprint.
          </p>
        </div>
        {!creating ? (
          <button
            className="button"
            type="button"
            onClick={() => {
              setCreated(null);
              setCreating(true);
            }}
          >
            Add secret
          </button>
        ) : null}
      </div>
      <div className="stack">
        {created ? (
          <div className="alert ok" role="status" data-testid="secret-created">
            Secret <strong>{created.name}</strong> stored. Its value will not be shown again; its fingerprint is{" "}
            <LongToken value={created.fingerprint} what={`fingerprint of ${created.name}`} className="fingerprint" />
          </div>
        ) : null}
        {creating ? (
          <CreateSecretForm
            onCancel={() => setCreating(false)}
            onCreated={(result) => {
              setCreating(false);
              setCreated(result);
              void queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() });
            }}
          />
        ) : null}
        <section className="card">
          <QueryList query={secrets} items={(data) => data} empty="No managed secrets yet.">
            {(items) => (
              <div className="table-wrap">
                <table className="table" aria-label="Secrets">
                  <thead>
                    <tr>
                      <th>Secret</th>
                      <th>Values</th>
                      <th>Last rotated</th>
                      <th>Rotation</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((secret) => (
                      <SecretRow key={secret.name} secret={secret} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryList>
        </section>
      </div>
    </>
  );
}

function SecretRow({ secret }: { secret: Secret }) {
  const live = LIVE_LABELS.flatMap((label) => secret.versions.filter((v) => v.label === label));
  const retired = secret.versions.filter((v) => v.label === "retired").length;
  return (
    <tr data-testid={`secret-row-${secret.name}`}>
      <td data-label="Secret">
        {/* One block: on a phone the cell is a flex row of label and content. */}
        <div>
          <strong>{secret.name}</strong>
          {secret.description ? <div className="muted small">{secret.description}</div> : null}
          <div className="muted small">
            {secret.policy.length} {secret.policy.alphabet} characters when generated · previous value kept{" "}
            {formatHours(secret.gracePeriodSeconds)}
          </div>
        </div>
      </td>
      <td data-label="Values">
        <ul className="version-list">
          {live.map((version) => {
            const style = LABEL_STYLE[version.label as (typeof LIVE_LABELS)[number]];
            return (
              <li key={version.version} title={`Version ${version.version}: ${style.meaning}`}>
                <span className={style.badge}>{version.label}</span>
                <LongToken
                  value={version.fingerprint}
                  what={`fingerprint of ${version.label} version ${version.version}`}
                  className="fingerprint"
                />
                <span className="muted small">v{version.version}</span>
              </li>
            );
          })}
          {retired > 0 ? (
            <li className="muted small">{retired === 1 ? "1 retired value" : `${retired} retired values`}</li>
          ) : null}
        </ul>
      </td>
      <td data-label="Last rotated">
        {secret.lastRotatedAt
          ? formatDateTime(secret.lastRotatedAt)
          : `Never (created ${formatDateTime(secret.createdAt)})`}
      </td>
      <td data-label="Rotation">
        {secret.rotationRunId ? (
          <Link prefetch={false} href={`/runs/${secret.rotationRunId}`} className="badge warn">
            Rotation in progress: open its run
          </Link>
        ) : (
          <span className="muted small">None in progress</span>
        )}
      </td>
    </tr>
  );
}

function formatHours(seconds: number): string {
  if (seconds === 0) return "no time after a rotation";
  const hours = seconds / 3600;
  return hours === 1
    ? "1 hour after a rotation"
    : `${Number.isInteger(hours) ? hours : hours.toFixed(1)} hours after a rotation`;
}
