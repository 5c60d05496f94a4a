import type { StepDefinition } from "@/lib/runbooks/definition";
import { describeCondition, STEP_KIND_LABELS } from "@/lib/runbooks/describe";
import { Markdown } from "@/app/_components/markdown";
import { readingText, type ReadingScope } from "@/lib/runbooks/reading-text";

const EVIDENCE = {
  none: "No evidence asked for.",
  optional: "Evidence (a note or link) is optional.",
  required: "Evidence (a note or link) is required.",
};

/** The steps in the order a run takes them, with what each one does. */
export function RunbookSteps({ steps, reading }: { steps: StepDefinition[]; reading: ReadingScope }) {
  return (
    <section className="card" aria-labelledby="steps-title">
      <h2 id="steps-title">Steps</h2>
      <ol className="steps" aria-label="Steps">
        {steps.map((step, index) => (
          <li key={step.id} className="step" data-testid={`step-${step.id}`}>
            <span className="step-number" aria-hidden="true">
              {index + 1}
            </span>
            <div className="step-body stack">
              <div className="row">
                <span className={`badge kind-${step.kind}`}>{STEP_KIND_LABELS[step.kind]}</span>
                <h3>{readingText(step.title, reading)}</h3>
                <span className="mono muted small">{step.id}</span>
              </div>
              {step.when ? <p className="small step-condition">Only when {describeCondition(step.when)}.</p> : null}
              {step.instructions ? <Markdown>{readingText(step.instructions, reading)}</Markdown> : null}
              <StepDetails step={step} reading={reading} />
              {step.compensation ? (
                <div className="small">
                  <strong>Undo:</strong> calls <code>{step.compensation.action}</code>
                  <InputValues input={step.compensation.input} reading={reading} />
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function StepDetails({ step, reading }: { step: StepDefinition; reading: ReadingScope }) {
  switch (step.kind) {
    case "manual":
      return <p className="muted small">A person does this and confirms it. {EVIDENCE[step.evidence]}</p>;
    case "check":
      return (
        <div className="small">
          Runs the check <code>{step.check}</code> and expects it to {step.expect}; it can be run again.
          <InputValues input={step.input} reading={reading} />
        </div>
      );
    case "action":
      return (
        <div className="small">
          Shows its plan first, then calls the action <code>{step.action}</code>.
          <InputValues input={step.input} reading={reading} />
        </div>
      );
    case "approval":
      return (
        <p className="small">
          Needs {step.approvals === 1 ? "one approval" : `${step.approvals} approvals`} from a {step.role} or above,
          never from the person who started the run. The approval covers the plan of the actions after it
          {step.expiresIn ? ` and expires after ${step.expiresIn}` : ""}.
        </p>
      );
  }
}

/** An action's or check's input, a value the run will be given read as words. */
function InputValues({ input, reading }: { input: Record<string, unknown>; reading: ReadingScope }) {
  const entries = Object.entries(input);
  if (entries.length === 0) return null;
  return (
    <dl className="kv">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt className="mono">{key}</dt>
          <dd className="mono">{typeof value === "string" ? readingText(value, reading) : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
