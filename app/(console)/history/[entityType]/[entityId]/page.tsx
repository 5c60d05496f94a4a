import type { Metadata } from "next";
import Link from "next/link";
import { entityTimelineInput } from "@/lib/schemas/history";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { first, type PageSearchParams } from "../../search-params";
import { EntityTimeline } from "./entity-timeline";

export const metadata: Metadata = { title: "Timeline" };

type Params = { entityType: string; entityId: string };

/** Where an entity lives in the console, when it has a page of its own. */
function entityPage(entityType: string, entityId: string): string | null {
  if (entityType === "run") return `/runs/${encodeURIComponent(entityId)}`;
  if (entityType === "service") return `/services/${encodeURIComponent(entityId)}`;
  return null;
}

export default async function EntityTimelinePage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<PageSearchParams>;
}) {
  await requireSession();
  const raw = await params;
  const entityType = decodeURIComponent(raw.entityType);
  const entityId = decodeURIComponent(raw.entityId);
  const cursor = first((await searchParams).cursor) ?? null;
  const parsed = entityTimelineInput.safeParse({ entityType, entityId, cursor });
  if (parsed.success) await prefetch(trpc.history.timeline.queryOptions(parsed.data));
  const page = entityPage(entityType, entityId);
  return (
    <HydrateClient>
      <p className="back-link">
        <Link prefetch={false} href="/history">
          ← History
        </Link>
      </p>
      <div className="page-header">
        <div>
          <h1>
            Timeline of {entityType} <span className="mono">{entityId}</span>
          </h1>
          <p>
            Everything the audit trail recorded about it, newest first.
            {entityType === "secret" ? " Secret values never appear here, only their fingerprints." : ""}
          </p>
        </div>
        {page ? (
          <Link prefetch={false} className="button secondary" href={page}>
            Open the {entityType}
          </Link>
        ) : null}
      </div>
      {parsed.success ? (
        <EntityTimeline entityType={parsed.data.entityType} entityId={parsed.data.entityId} cursor={cursor} />
      ) : (
        <p className="alert error">
          This is not an entity the audit trail can name. Open a timeline from an entity link on the History page.
        </p>
      )}
    </HydrateClient>
  );
}
