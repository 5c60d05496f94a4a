"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import type { IncidentRole } from "@/lib/schemas/incidents";
import { useTRPC } from "@/lib/trpc/client";
import type { IncidentView } from "./types";
import { useIncidentForm } from "./use-incident-form";

const ROLE_LABELS: Record<IncidentRole, { title: string; hint: string }> = {
  commander: { title: "Commander", hint: "Leads the response and decides." },
  scribe: { title: "Scribe", hint: "Keeps the notes." },
};

/** Who leads and who writes things down; the commander, a lead or an admin hands the roles over. */
export function RolesCard({ incident }: { incident: IncidentView }) {
  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <dl className="kv">
        <RoleRow incident={incident} role="commander" holder={incident.commander} />
        <RoleRow incident={incident} role="scribe" holder={incident.scribe} />
      </dl>
      {!incident.can.assignRoles ? (
        <p className="small muted">The commander, a lead or an admin can hand these roles over.</p>
      ) : null}
    </section>
  );
}

function RoleRow({
  incident,
  role,
  holder,
}: {
  incident: IncidentView;
  role: IncidentRole;
  holder: IncidentView["commander"];
}) {
  const trpc = useTRPC();
  const form = useIncidentForm();
  const [editing, setEditing] = useState(false);
  const people = useQuery({ ...trpc.incidents.formOptions.queryOptions(), enabled: incident.can.assignRoles });
  const assign = useMutation(
    trpc.incidents.assignRole.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        void form.refresh();
      },
      onError: form.onError,
    }),
  );
  const id = `role-${role}`;
  return (
    <div data-testid={`role-${role}`}>
      <dt>{ROLE_LABELS[role].title}</dt>
      <dd>
        {editing ? (
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              const value = String(new FormData(event.currentTarget).get(id) ?? "");
              form.clear();
              assign.mutate({ incidentId: incident.id, role, userId: value || null });
            }}
          >
            <FormError error={form.error} />
            <Field id={id} label={`New ${role}`} error={form.fields.userId} hint={ROLE_LABELS[role].hint}>
              <select {...fieldAria(id, form.fields.userId)} defaultValue={holder?.id ?? ""}>
                {role === "scribe" ? <option value="">Nobody</option> : null}
                {people.data?.people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.email})
                  </option>
                ))}
              </select>
            </Field>
            <div className="row">
              <button className="button small" type="submit" disabled={assign.isPending}>
                Save
              </button>
              <button className="button small secondary" type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <span className="row">
            <span>{holder ? `${holder.name} (${holder.email})` : <span className="muted">nobody yet</span>}</span>
            {incident.can.assignRoles ? (
              <button className="button small secondary" type="button" onClick={() => setEditing(true)}>
                Change
              </button>
            ) : null}
          </span>
        )}
      </dd>
    </div>
  );
}
