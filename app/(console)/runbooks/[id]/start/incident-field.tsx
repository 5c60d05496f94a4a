"use client";

import { Field, fieldAria } from "@/app/_components/field";

export type OpenIncident = { id: string; number: number; title: string };

/** Which incident the run is part of (its steps then appear on that incident's timeline), or none. */
export function IncidentField({
  incidents,
  selected,
  error,
}: {
  incidents: OpenIncident[];
  selected: string | null;
  error?: string;
}) {
  const id = "input-incidentId";
  return (
    <Field
      id={id}
      label="Part of an incident (optional)"
      hint="The run's steps appear on the incident's timeline."
      error={error}
    >
      <select {...fieldAria(id, error)} name="incidentId" defaultValue={selected ?? ""}>
        <option value="">Not part of an incident</option>
        {incidents.map((incident) => (
          <option key={incident.id} value={incident.id}>
            Incident {incident.number}: {incident.title}
          </option>
        ))}
      </select>
    </Field>
  );
}
