import "server-only";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { targets } from "@/db/schema";
import { git } from "../connectors/git";
import { AppError } from "../errors";
import { errorResponse } from "../http/error-response";
import { serviceConfig } from "../services/service-kind";

const NOTE =
  "This is the demo environment's stand-in service, served by Keel itself: healthy unless its deploy repository's main deploys a release marked bad.";

/**
 * The health endpoint of a demo service: reads release.json at main of its real deploy
 * repository and answers 503 while that release is marked bad, 200 otherwise. Only targets the
 * demo environment created, and only repositories under the demo root, are answered for.
 */
export async function demoServiceHealth(
  db: Database,
  name: string,
  demoRoot: string,
  requestId: string,
): Promise<Response> {
  const [row] = await db
    .select()
    .from(targets)
    .where(and(eq(targets.kind, "service"), eq(targets.name, name), eq(targets.source, "demo")));
  const parsed = row ? serviceConfig.safeParse(row.config) : null;
  const repository = parsed?.success ? parsed.data.deployRepository : undefined;
  if (!parsed?.success || !repository || !path.resolve(repository).startsWith(path.resolve(demoRoot) + path.sep)) {
    return errorResponse(new AppError("NOT_FOUND", `There is no demo service named "${name}".`), requestId);
  }
  let release: { version?: string; demo?: { healthy?: boolean } };
  try {
    release = JSON.parse(
      (await git(["show", `${parsed.data.branch}:release.json`], { cwd: repository, timeoutSeconds: 10 })).join("\n"),
    ) as typeof release;
  } catch {
    return Response.json(
      {
        service: name,
        healthy: false,
        problem: "release.json could not be read from the deploy repository",
        note: NOTE,
      },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
  const healthy = release.demo?.healthy !== false;
  return Response.json(
    { service: name, version: release.version ?? null, healthy, note: NOTE },
    { status: healthy ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
