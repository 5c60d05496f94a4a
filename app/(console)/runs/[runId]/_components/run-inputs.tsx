import type { RunView } from "@/lib/trpc/outputs";
import { LongToken } from "@/app/_components/long-token";

/** The inputs the run started with; secrets only as a fingerprint (the same value gives the same one). */
export function RunInputs({ run }: { run: RunView }) {
  if (run.inputs.length === 0 && run.locks.keys.length === 0) return null;
  return (
    <section className="card" aria-labelledby="inputs-title">
      <h2 id="inputs-title">Inputs</h2>
      <dl className="stack">
        {run.inputs.map((input) => (
          <div key={input.name}>
            <dt className="muted small">{input.label}</dt>
            <dd className="mono">
              {input.fingerprint ? (
                <>
                  hidden ·{" "}
                  <LongToken
                    value={input.fingerprint}
                    shown={`${input.fingerprint.slice(0, 24)}…`}
                    what={`fingerprint of ${input.label}`}
                  />
                </>
              ) : (
                (input.value ?? <span className="muted">not given</span>)
              )}
            </dd>
          </div>
        ))}
        {run.locks.keys.length > 0 ? (
          <div>
            <dt className="muted small">Locks</dt>
            <dd>
              {run.locks.keys.map((key) => (
                <code key={key}>{key} </code>
              ))}
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}
