import { formatDateTime } from "@/lib/format/time";

export type FailureBucket = {
  reason: string;
  count: number;
  runs: number;
  steps: string[];
  runbooks: string[];
  lastSeen: Date | string;
  example: string;
};

/** Failing steps grouped by their error text with ids, numbers and addresses taken out. */
export function FailureBuckets({ buckets, showRunbook }: { buckets: FailureBucket[]; showRunbook: boolean }) {
  if (buckets.length === 0) return <p className="empty">No step is failing in this range.</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Failure reasons">
        <thead>
          <tr>
            <th>Reason</th>
            <th className="num">Steps</th>
            <th className="num">Runs</th>
            <th>Where</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket) => (
            <tr key={bucket.reason}>
              <td>
                <div className="mono small">{bucket.reason}</div>
                <div className="muted small" title="One occurrence, as written">
                  e.g. {bucket.example}
                </div>
              </td>
              <td className="num">{bucket.count}</td>
              <td className="num">{bucket.runs}</td>
              <td className="small">
                {showRunbook ? `${bucket.runbooks.join(", ")}: ` : ""}
                {bucket.steps.join(", ")}
              </td>
              <td className="small">{formatDateTime(bucket.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
