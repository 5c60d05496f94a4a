import { hasRole, type Role } from "@/lib/roles";

export type NavItem = { href: string; label: string; minRole: Role; section: string };

/** The console's sections. Only sections that exist are listed; each names the role it needs. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Home", minRole: "viewer", section: "Console" },
  { href: "/runbooks", label: "Runbooks", minRole: "viewer", section: "Console" },
  { href: "/runs", label: "Runs", minRole: "viewer", section: "Console" },
  { href: "/incidents", label: "Incidents", minRole: "viewer", section: "Console" },
  { href: "/services", label: "Services", minRole: "viewer", section: "Console" },
  { href: "/checklists", label: "Checklists", minRole: "viewer", section: "Console" },
  { href: "/history", label: "History", minRole: "viewer", section: "Console" },
  { href: "/telemetry", label: "Telemetry", minRole: "viewer", section: "Console" },
  { href: "/account", label: "Account", minRole: "viewer", section: "You" },
  { href: "/admin/users", label: "Users", minRole: "admin", section: "Admin" },
  { href: "/admin/api-tokens", label: "API tokens", minRole: "admin", section: "Admin" },
  { href: "/admin/targets", label: "Targets", minRole: "admin", section: "Admin" },
  { href: "/admin/secrets", label: "Secrets", minRole: "admin", section: "Admin" },
  { href: "/admin/instances", label: "Instances", minRole: "admin", section: "Admin" },
];

export function navFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => hasRole(role, item.minRole));
}
