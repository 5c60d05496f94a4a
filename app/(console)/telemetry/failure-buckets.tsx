import { formatDateTime } from "@/lib/format/time";

export type FailureBucket = {
  reason: string;
  count: number;
  runs: number;
  steps: string[];
  runbooks: string[];
  lastSeen: Date | string;
  example: string;
  variants: number;
};

/**
 * Failing steps grouped by their error text with ids, numbers and addresses taken out; each group
 * reads as its most recent message, word for word, and says how many others differ only in those.
 */
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
              <td data-testid="failure-reason">
                <div className="mono small" title="The most recent occurrence, as written">
                  {bucket.example}
                </div>
                {bucket.variants > 1 ? (
                  <div className="muted small">
                    and {bucket.variants - 1} similar {bucket.variants === 2 ? "message" : "messages"} differing only in
                    numbers, ids or quoted values
                  </div>
                ) : null}
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
