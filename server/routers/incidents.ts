import {
  addFollowUpInput,
  addIncidentNoteInput,
  assignIncidentRoleInput,
  changeIncidentStatusInput,
  declareIncidentInput,
  editIncidentNoteInput,
  incidentRefInput,
  listIncidentsInput,
  pinIncidentNoteInput,
  reopenIncidentInput,
  trackFollowUpInput,
} from "@/lib/schemas/incidents";
import type { Actor } from "../audit/actor";
import {
  addFollowUp,
  addIncidentNote,
  assignIncidentRole,
  changeIncidentStatus,
  declareIncident,
  editIncidentNote,
  pinIncidentNote,
  reopenIncident,
  trackFollowUp,
  type IncidentActor,
} from "../incidents/commands";
import { knownServices, listParticipants } from "../incidents/participants";
import { draftPostmortem } from "../incidents/postmortem";
import { getIncident, listIncidents } from "../incidents/queries";
import { suggestRunbooks } from "../incidents/suggestions";
import { incidentTimeline } from "../incidents/timeline";
import { protectedProcedure, responderProcedure, router } from "../trpc";

/** The audit actor with the role the incident rules check. */
function acting(ctx: { actor: Actor & { userId: string }; user: { role: IncidentActor["role"] } }): IncidentActor {
  return { ...ctx.actor, role: ctx.user.role };
}

export const incidentsRouter = router({
  list: protectedProcedure.input(listIncidentsInput).query(({ ctx, input }) => listIncidents(ctx.db, input)),
  get: protectedProcedure
    .input(incidentRefInput)
    .query(({ ctx, input }) => getIncident(ctx.db, input.incidentId, ctx.user)),
  timeline: protectedProcedure
    .input(incidentRefInput)
    .query(({ ctx, input }) => incidentTimeline(ctx.db, input.incidentId)),
  suggestions: protectedProcedure
    .input(incidentRefInput)
    .query(({ ctx, input }) => suggestRunbooks(ctx.db, input.incidentId)),
  postmortem: protectedProcedure
    .input(incidentRefInput)
    .query(({ ctx, input }) => draftPostmortem(ctx.db, input.incidentId)),
  /** What the declare form and the role and follow-up pickers offer. */
  formOptions: responderProcedure.query(async ({ ctx }) => ({
    services: await knownServices(ctx.db),
    people: await listParticipants(ctx.db),
  })),

  declare: responderProcedure
    .input(declareIncidentInput)
    .mutation(({ ctx, input }) => declareIncident(ctx.db, acting(ctx), input)),
  changeStatus: responderProcedure
    .input(changeIncidentStatusInput)
    .mutation(({ ctx, input }) => changeIncidentStatus(ctx.db, acting(ctx), input)),
  reopen: responderProcedure
    .input(reopenIncidentInput)
    .mutation(({ ctx, input }) => reopenIncident(ctx.db, acting(ctx), input)),
  assignRole: responderProcedure
    .input(assignIncidentRoleInput)
    .mutation(({ ctx, input }) => assignIncidentRole(ctx.db, acting(ctx), input)),
  addNote: responderProcedure
    .input(addIncidentNoteInput)
    .mutation(({ ctx, input }) => addIncidentNote(ctx.db, acting(ctx), input)),
  editNote: responderProcedure
    .input(editIncidentNoteInput)
    .mutation(({ ctx, input }) => editIncidentNote(ctx.db, acting(ctx), input)),
  pinNote: responderProcedure
    .input(pinIncidentNoteInput)
    .mutation(({ ctx, input }) => pinIncidentNote(ctx.db, acting(ctx), input)),
  addFollowUp: responderProcedure
    .input(addFollowUpInput)
    .mutation(({ ctx, input }) => addFollowUp(ctx.db, acting(ctx), input)),
  /** A follow-up becomes a readiness checklist item (a lead: any checklist; a responder: one they own). */
  trackFollowUp: responderProcedure
    .input(trackFollowUpInput)
    .mutation(({ ctx, input }) => trackFollowUp(ctx.db, acting(ctx), input)),
});
