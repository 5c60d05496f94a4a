import { eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runbooks, users } from "@/db/schema";
import { hasRole } from "@/lib/roles";
import { AppError } from "../errors";
import { listTargets } from "../targets/catalog";

export type Person = { id: string; name: string; email: string };

/**
 * The person who will hold an incident role or own a follow-up: an enabled Keel user with at least
 * the responder role (someone who can act on the incident). Anything else is a field error.
 */
export async function requireParticipant(db: Queryable, userId: string, field: string, what: string): Promise<Person> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw AppError.field(field, `There is no Keel user with this id: choose the ${what} from the list.`);
  if (user.disabledAt) throw AppError.field(field, `${user.email} is disabled and cannot be the ${what}.`);
  if (!hasRole(user.role, "responder"))
    throw AppError.field(field, `${user.email} is a viewer: the ${what} needs at least the responder role.`);
  return { id: user.id, name: user.name, email: user.email };
}

/** Everyone who can hold an incident role or own a follow-up, by name. */
export async function listParticipants(db: Queryable): Promise<Person[]> {
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt })
    .from(users);
  return rows
    .filter((u) => !u.disabledAt && hasRole(u.role, "responder"))
    .map(({ id, name, email }) => ({ id, name, email }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
}

export async function peopleById(db: Queryable, ids: (string | null)[]): Promise<Map<string, Person>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.id, wanted));
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * The services an incident can name: the service targets Keel acts on, and the services runbooks
 * say they are for (so that suggestions can match them).
 */
export async function knownServices(db: Queryable): Promise<string[]> {
  const targets = (await listTargets(db, "service")).map((t) => t.name);
  const fromRunbooks = (await db.select({ services: runbooks.services }).from(runbooks)).flatMap((r) => r.services);
  return [...new Set([...targets, ...fromRunbooks])].sort();
}

/** Refuses any service Keel does not know, naming it. */
export async function requireKnownServices(db: Queryable, services: string[]): Promise<string[]> {
  const unique = [...new Set(services)];
  if (unique.length === 0) return unique;
  const known = new Set(await knownServices(db));
  const unknown = unique.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw AppError.field(
      "services",
      `Keel knows no service named ${unknown.map((s) => `"${s}"`).join(", ")}. Choose from the services list (service targets and the services runbooks name).`,
    );
  }
  return unique.sort();
}
