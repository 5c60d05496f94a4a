import type { InputDefinition } from "@/lib/runbooks/definition";
import { describeInputRequirement, describeInputType } from "@/lib/runbooks/describe";

/** What the start form will ask for, so nobody is surprised at 3 a.m. */
export function RunbookInputs({ inputs }: { inputs: InputDefinition[] }) {
  return (
    <section className="card" aria-labelledby="inputs-title">
      <h2 id="inputs-title">What a run asks for</h2>
      {inputs.length === 0 ? (
        <p className="muted">Nothing: this runbook starts without inputs.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Inputs">
            <thead>
              <tr>
                <th>Input</th>
                <th>Type</th>
                <th>Required or default</th>
              </tr>
            </thead>
            <tbody>
              {inputs.map((input) => (
                <tr key={input.name}>
                  <td data-label="Input">
                    <div>
                      <div>
                        {input.label} <span className="mono muted small">{input.name}</span>
                      </div>
                      {input.help ? <div className="muted small">{input.help}</div> : null}
                    </div>
                  </td>
                  <td data-label="Type">{describeInputType(input)}</td>
                  <td data-label="Required or default">{describeInputRequirement(input)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
