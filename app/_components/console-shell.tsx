import type { ReactNode } from "react";
import type { SessionUser } from "@/server/auth/sessions";
import { NavLinks } from "./nav-links";
import { navFor } from "./navigation";
import { RoleBadge } from "./role-badge";
import { SignOutButton } from "./sign-out-button";

function WhoAmI({ user }: { user: SessionUser }) {
  return (
    <div className="who">
      <div className="who-name">{user.name}</div>
      <div className="who-email">{user.email}</div>
      <RoleBadge role={user.role} />
    </div>
  );
}

/** Sidebar on a laptop; a collapsible bar (no script needed) on a phone. */
export function ConsoleShell({ user, children }: { user: SessionUser; children: ReactNode }) {
  const items = navFor(user.role);
  return (
    <div className="shell">
      <header className="mobile-bar">
        <details>
          <summary>
            <span className="brand">
              <span className="brand-mark" aria-hidden="true" /> Keel
            </span>
            <span className="muted small">Menu</span>
          </summary>
          <div className="mobile-menu">
            <NavLinks items={items} />
            <WhoAmI user={user} />
            <SignOutButton />
          </div>
        </details>
      </header>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" /> Keel
        </div>
        <NavLinks items={items} />
        <div className="sidebar-footer">
          <WhoAmI user={user} />
          <SignOutButton />
        </div>
      </aside>
      <main className="main" id="main">
        {children}
      </main>
    </div>
  );
}
