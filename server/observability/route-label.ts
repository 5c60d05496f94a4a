/** Collections whose next path segment is an id, not a route of its own. */
const ID_COLLECTIONS = new Set([
  "runbooks",
  "runs",
  "users",
  "incidents",
  "checklists",
  "targets",
  "secrets",
  "tokens",
]);
const LITERAL = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * The route label of a request for metrics. Labels must come from a small fixed set, whatever
 * clients send: ids become `:id`, anything unmatched is one label, and the framework's assets
 * and API families are grouped.
 */
export function routeLabel(path: string, status: number): string {
  if (status === 404) return "unmatched";
  const clean = path.split("?")[0] ?? "/";
  if (clean.startsWith("/_next/")) return "/_next/*";
  if (clean.startsWith("/api/trpc")) return "/api/trpc";
  if (clean.startsWith("/api/auth/")) return "/api/auth/*";
  const segments = clean.split("/").filter(Boolean).slice(0, 5);
  const labelled = segments.map((segment, index) => {
    const previous = segments[index - 1];
    if (previous && ID_COLLECTIONS.has(previous)) return ":id";
    return LITERAL.test(segment) ? segment : ":id";
  });
  return `/${labelled.join("/")}`;
}
