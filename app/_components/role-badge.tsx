import type { Role } from "@/lib/roles";

export function RoleBadge({ role }: { role: Role }) {
  return <span className={`badge role-${role}`}>{role}</span>;
}
