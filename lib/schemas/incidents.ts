import { z } from "zod";
import { PRIORITIES } from "@/lib/checklists/template";
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES } from "@/lib/incidents/status";

const incidentId = z.uuid("Unknown incident");
const noteId = z.uuid("Unknown note");
const userId = (what: string) => z.uuid(`Choose a ${what} from the list`);

/** A service or tag name: short, lower-case, the way runbooks spell them. */
const label = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9._-]{0,62}$/,
      `Each ${what} is one word of letters, digits, ".", "_" or "-" (at most 63 characters)`,
    );

const summaryText = z.string().trim().max(10_000, "Use at most 10,000 characters");

export const declareIncidentInput = z.object({
  title: z.string().trim().min(3, "Say in a few words what is wrong").max(200, "Use at most 200 characters"),
  severity: z.enum(INCIDENT_SEVERITIES, { message: `Choose a severity: ${INCIDENT_SEVERITIES.join(", ")}` }),
  services: z.array(label("service")).max(20, "Name at most 20 services").default([]),
  tags: z.array(label("tag")).max(20, "Use at most 20 tags").default([]),
  /** Defaults to whoever declares it. */
  commanderId: userId("commander").nullish(),
});

export const INCIDENT_FILTERS = ["all", "active", ...INCIDENT_STATUSES] as const;
export type IncidentFilter = (typeof INCIDENT_FILTERS)[number];

export const listIncidentsInput = z.object({
  status: z.enum(INCIDENT_FILTERS, { message: `Filter by one of: ${INCIDENT_FILTERS.join(", ")}` }).default("all"),
  limit: z.number().int().min(1).max(200).default(100),
});

export const incidentRefInput = z.object({ incidentId });

export const changeIncidentStatusInput = z
  .object({
    incidentId,
    status: z.enum(INCIDENT_STATUSES, { message: `Choose a status: ${INCIDENT_STATUSES.join(", ")}` }),
    /** Required when resolving: what happened and what fixed it. */
    summary: summaryText.optional(),
    /** Optional when resolving: who or what was affected, for the postmortem. */
    impact: summaryText.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.status === "resolved" && (value.summary ?? "").length < 10) {
      ctx.addIssue({
        code: "custom",
        path: ["summary"],
        message: "Write a summary to resolve: what happened and what fixed it (at least 10 characters)",
      });
    }
  });

export const reopenIncidentInput = z.object({
  incidentId,
  reason: z.string().trim().min(3, "Say why the incident is reopened").max(2000, "Use at most 2000 characters"),
});

export const INCIDENT_ROLES = ["commander", "scribe"] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const assignIncidentRoleInput = z
  .object({
    incidentId,
    role: z.enum(INCIDENT_ROLES, { message: "Choose commander or scribe" }),
    /** Null leaves the scribe role empty; an incident always has a commander. */
    userId: userId("person").nullable(),
  })
  .superRefine((value, ctx) => {
    if (value.role === "commander" && value.userId === null)
      ctx.addIssue({ code: "custom", path: ["userId"], message: "An incident always has a commander: choose one" });
  });

const noteBody = z.string().trim().min(1, "Write the note").max(4000, "Use at most 4000 characters");

export const addIncidentNoteInput = z.object({ incidentId, body: noteBody, pinned: z.boolean().default(false) });

export const editIncidentNoteInput = z.object({ noteId, body: noteBody });

export const pinIncidentNoteInput = z.object({ noteId, pinned: z.boolean() });

export const addFollowUpInput = z.object({
  incidentId,
  text: z.string().trim().min(3, "Say what should be done").max(500, "Use at most 500 characters"),
  ownerId: userId("owner"),
});

/** A follow-up becomes an item of a readiness checklist, in its "Incident follow-ups" section. */
export const trackFollowUpInput = z.object({
  followUpId: z.uuid("Unknown follow-up"),
  checklistId: z.uuid("Choose a checklist from the list"),
  priority: z.enum(PRIORITIES, { message: "Choose critical, high, medium or low" }).default("high"),
});

export type DeclareIncidentInput = z.infer<typeof declareIncidentInput>;
export type ListIncidentsInput = z.infer<typeof listIncidentsInput>;
export type ChangeIncidentStatusInput = z.infer<typeof changeIncidentStatusInput>;
export type ReopenIncidentInput = z.infer<typeof reopenIncidentInput>;
export type AssignIncidentRoleInput = z.infer<typeof assignIncidentRoleInput>;
export type AddIncidentNoteInput = z.infer<typeof addIncidentNoteInput>;
export type EditIncidentNoteInput = z.infer<typeof editIncidentNoteInput>;
export type PinIncidentNoteInput = z.infer<typeof pinIncidentNoteInput>;
export type AddFollowUpInput = z.infer<typeof addFollowUpInput>;
export type TrackFollowUpInput = z.infer<typeof trackFollowUpInput>;
