"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { VersionDiff } from "./version-diff";
import { LongToken } from "@/app/_components/long-token";

type Version = { number: number; hash: string; loadedAt: string | Date };

/** Every version the file has had (runs stay pinned to theirs), and what changed between any two. */
export function RunbookVersions({
  runbookId,
  versions,
  current,
}: {
  runbookId: string;
  versions: Version[];
  current: number;
}) {
  const numbers = versions.map((version) => version.number);
  const [from, setFrom] = useState(numbers[1] ?? numbers[0] ?? 1);
  const [to, setTo] = useState(numbers[0] ?? 1);
  const [shownFile, setShownFile] = useState<number | null>(null);

  return (
    <section className="card stack" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ul className="list" aria-label="Versions">
        {versions.map((version) => (
          <li key={version.number} className="version-row">
            <span>
              <strong>Version {version.number}</strong>{" "}
              {version.number === current ? <span className="badge ok">current</span> : null}
            </span>
            <span className="muted small">
              loaded {formatDateTime(version.loadedAt)} ·{" "}
              <LongToken
                value={version.hash}
                shown={version.hash.slice(0, 12)}
                what={`SHA-256 of version ${version.number}`}
              />
            </span>
            <button
              className="button ghost small"
              type="button"
              aria-expanded={shownFile === version.number}
              onClick={() => setShownFile(shownFile === version.number ? null : version.number)}
            >
              {shownFile === version.number ? "Hide file" : "View file"}
            </button>
            {shownFile === version.number ? <VersionFile runbookId={runbookId} number={version.number} /> : null}
          </li>
        ))}
      </ul>
      {versions.length < 2 ? (
        <p className="muted small">
          Only one version so far. When the file changes, Keel loads it as a new version and you can compare them here.
        </p>
      ) : (
        <>
          <div className="row diff-controls">
            <label htmlFor="diff-from">Compare version</label>
            <select
              id="diff-from"
              className="inline-select"
              value={from}
              onChange={(event) => setFrom(Number(event.target.value))}
            >
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <label htmlFor="diff-to">with version</label>
            <select
              id="diff-to"
              className="inline-select"
              value={to}
              onChange={(event) => setTo(Number(event.target.value))}
            >
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          {from === to ? (
            <p className="muted small">Choose two different versions to see what changed.</p>
          ) : (
            <VersionDiff runbookId={runbookId} from={from} to={to} />
          )}
        </>
      )}
    </section>
  );
}

function VersionFile({ runbookId, number }: { runbookId: string; number: number }) {
  const trpc = useTRPC();
  const version = useQuery(trpc.runbooks.version.queryOptions({ runbookId, number }));
  if (version.isPending) return <p className="muted small version-file">Loading…</p>;
  if (version.isError) return <FormError error={readClientError(version.error)} />;
  return (
    <pre className="file-view version-file" aria-label={`File of version ${number}`}>
      {version.data.content}
    </pre>
  );
}
