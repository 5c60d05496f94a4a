import type { LockDefinition } from "@/lib/runbooks/definition";
import { readingText, type ReadingScope } from "@/lib/runbooks/reading-text";

/** Locks keep two runs from changing the same thing at once. */
export function RunbookLocks({ locks, reading }: { locks: LockDefinition[]; reading: ReadingScope }) {
  return (
    <section className="card" aria-labelledby="locks-title">
      <h2 id="locks-title">Locks</h2>
      {locks.length === 0 ? (
        <p className="muted">None: several runs of this runbook may go at the same time.</p>
      ) : (
        <ul className="list">
          {locks.map((lock) => (
            <li key={lock.key}>
              <code>{readingText(lock.key, reading)}</code>
              <span className="muted small">
                {lock.onBusy === "refuse"
                  ? "While another run holds it, a new run refuses to start."
                  : "While another run holds it, a new run waits in line."}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
