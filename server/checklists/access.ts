import { fieldLabel } from "@/lib/validation/field-label";
import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { checklistItems, checklists, users } from "@/db/schema";
import { hasRole, type Role } from "@/lib/roles";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { withArticle } from "@/lib/format/article";

/** Who is acting: the audit actor and the user's role (the server decides, the UI only mirrors). */
export type Caller = { actor: Actor & { userId: string }; role: Role };

/** An active user who can own checklist work, or a clear error naming the field. */
export async function requireOwner(
  db: Queryable,
  userId: string,
  field: string,
): Promise<{ id: string; name: string; email: string }> {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  if (!user)
    throw AppError.field(
      field,
      `The ${fieldLabel(field).toLowerCase()} is not an active user; choose someone from the list.`,
    );
  return user;
}

export async function requireChecklist(db: Queryable, checklistId: string, field = "checklistId") {
  const [row] = await db.select().from(checklists).where(eq(checklists.id, checklistId));
  if (!row) throw AppError.field(field, "There is no checklist with this id.", "NOT_FOUND");
  return row;
}

export async function requireItem(db: Queryable, itemId: string, field = "itemId") {
  const [row] = await db.select().from(checklistItems).where(eq(checklistItems.id, itemId));
  if (!row) throw AppError.field(field, "There is no checklist item with this id.", "NOT_FOUND");
  return row;
}

/** Responders work on their own items and unassigned ones; leads on any. */
export function assertMayWorkOn(caller: Caller, item: { ownerId: string | null; title: string }): void {
  if (hasRole(caller.role, "lead")) return;
  if (item.ownerId === null || item.ownerId === caller.actor.userId) return;
  throw new AppError("FORBIDDEN", `"${item.title}" belongs to someone else; its owner or a lead can change it.`);
}

export function assertLead(caller: Caller, what: string): void {
  if (!hasRole(caller.role, "lead"))
    throw new AppError("FORBIDDEN", `Only a lead can ${what}; you are ${withArticle(caller.role)}.`);
}

/** The email of a user id, for audit meta that reads "from whom to whom" (null for nobody). */
export async function emailOf(db: Queryable, userId: string | null): Promise<string | null> {
  if (userId === null) return null;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return user?.email ?? userId;
}
