import { asc, count, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "../errors";

/** What the admin page shows of a user: never the password hash. */
export const publicUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  mustChangePassword: users.mustChangePassword,
  disabledAt: users.disabledAt,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
};

export async function listUsers(db: Queryable) {
  return db.select(publicUserColumns).from(users).orderBy(asc(users.email));
}

export async function getUser(db: Queryable, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw AppError.field("userId", "No user has this id.", "NOT_FOUND");
  return user;
}

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}
