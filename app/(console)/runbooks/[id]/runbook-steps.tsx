import type { StepDefinition } from "@/lib/runbooks/definition";
import { describeCondition, STEP_KIND_LABELS } from "@/lib/runbooks/describe";
import { Markdown } from "@/app/_components/markdown";

const EVIDENCE = { none: "No evidence asked for.", optional: "Evidence (a note or link) is optional.", required: "Evidence (a note or link) is required." };

/** The steps in the order a run takes them, with what each one does. */
export function RunbookSteps({ steps }: { steps: StepDefinition[] }) {
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
                <h3>{step.title}</h3>
                <span className="mono muted small">{step.id}</span>
              </div>
              {step.when ? <p className="small step-condition">Only when {describeCondition(step.when)}.</p> : null}
              {step.instructions ? <Markdown>{step.instructions}</Markdown> : null}
              <StepDetails step={step} />
              {step.compensation ? (
                <div className="small">
                  <strong>Undo:</strong> calls <code>{step.compensation.action}</code>
                  <InputValues input={step.compensation.input} />
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function StepDetails({ step }: { step: StepDefinition }) {
  switch (step.kind) {
    case "manual":
      return <p className="muted small">A person does this and confirms it. {EVIDENCE[step.evidence]}</p>;
    case "check":
      return (
        <div className="small">
          Runs the check <code>{step.check}</code> and expects it to {step.expect}; it can be run again.
          <InputValues input={step.input} />
        </div>
      );
    case "action":
      return (
        <div className="small">
          Shows its plan first, then calls the action <code>{step.action}</code>.
          <InputValues input={step.input} />
        </div>
      );
    case "approval":
      return (
        <p className="small">
          Needs {step.approvals === 1 ? "one approval" : `${step.approvals} approvals`} from a {step.role} or above, never from the person who started the
          run. The approval covers the plan of the actions after it
          {step.expiresIn ? ` and expires after ${step.expiresIn}` : ""}.
        </p>
      );
  }
}

/** An action's or check's input as written in the file, templates included. */
function InputValues({ input }: { input: Record<string, unknown> }) {
  const entries = Object.entries(input);
  if (entries.length === 0) return null;
  return (
    <dl className="kv">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt className="mono">{key}</dt>
          <dd className="mono">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
