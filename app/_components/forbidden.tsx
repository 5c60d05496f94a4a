import type { Role } from "@/lib/roles";

/** What a page shows to someone whose role is too low. The server refuses the data anyway. */
export function Forbidden({ needed, current }: { needed: Role; current: Role }) {
  return (
    <div className="card stack" data-testid="forbidden">
      <h1>You do not have access to this page</h1>
      <p className="muted">
        It needs the <strong>{needed}</strong> role; you are signed in as a <strong>{current}</strong>. Ask an admin if
        you need access.
      </p>
    </div>
  );
}
