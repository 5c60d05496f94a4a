import type { ReactNode } from "react";
import type { SessionUser } from "@/server/auth/sessions";
import { MobileMenu } from "./mobile-menu";
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

/** Sidebar on a laptop; on a phone, a bar whose menu button shows the same links. */
export function ConsoleShell({ user, children }: { user: SessionUser; children: ReactNode }) {
  const items = navFor(user.role);
  return (
    <div className="shell">
      <header className="mobile-bar">
        <MobileMenu>
          <NavLinks items={items} />
          <WhoAmI user={user} />
          <SignOutButton />
        </MobileMenu>
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
