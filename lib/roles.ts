/**
 * Keel's roles, each including the one before it. Shared by the browser (to hide what a role
 * cannot do) and the server (which refuses it anyway).
 */
export const ROLES = ["viewer", "responder", "lead", "admin"] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Reads runbooks, runs, incidents and history",
  responder: "Starts and operates runs",
  lead: "Approves risky steps, manages checklists and incidents",
  admin: "Manages users, targets, secrets and settings",
};

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** True when `role` includes everything `minimum` may do. */
export function hasRole(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
