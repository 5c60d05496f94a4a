import type { Plan } from "@/db/schema";

/** A plan as the person deciding needs it: a summary, every change with before and after, warnings. */
export function PlanView({ plan, heading }: { plan: Plan; heading: string }) {
  return (
    <div className="plan" data-testid="plan">
      <h3>{heading}</h3>
      <p>{plan.summary}</p>
      {plan.warnings?.length ? (
        <ul className="alert warn plan-warnings">
          {plan.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      {plan.changes.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Target</th>
                <th>Change</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {plan.changes.map((change, i) => (
                <tr key={`${change.target}-${i}`}>
                  <td data-label="Target">
                    <code>{change.target}</code>
                  </td>
                  <td data-label="Change">{change.description}</td>
                  <td data-label="Before" className="mono small">
                    {change.before ?? "—"}
                  </td>
                  <td data-label="After" className="mono small">
                    {change.after ?? "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="small muted">No change to any system.</p>
      )}
    </div>
  );
}
