"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryList } from "@/app/_components/query-list";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";
import { LongToken } from "@/app/_components/long-token";

const SOURCE_LABEL = { git: "deploy repository", api: "recorded by CI", keel: "recorded by a Keel run" } as const;

/** A service's releases, newest (current) first: what runs, since when, and who said so. */
export function ReleaseHistory({ service }: { service: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.services.releases.queryOptions({ service }));
  const data = history.data;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{service}</h1>
          {data ? (
            <p>
              {data.environment}. Rollback by{" "}
              {data.strategy === "git"
                ? `reverting commits on ${data.branch} of ${data.deployRepository}`
                : "calling the deploy system"}
              ; health at <code>{data.healthUrl}</code>.
            </p>
          ) : null}
        </div>
        <Link prefetch={false} className="button" href="/runbooks/rollback/start">
          Roll back…
        </Link>
      </div>
      <section className="card" aria-labelledby="releases-title">
        <h2 id="releases-title">Release history</h2>
        <QueryList
          query={history}
          items={(data) => data.releases}
          empty="No releases yet."
          loading="Reading the release history…"
        >
          {(items) => (
            <div className="table-wrap">
              <table className="table" aria-label="Release history">
                <thead>
                  <tr>
                    <th>Version</th>
                    <th>Commit</th>
                    <th>Description</th>
                    <th>Deployed</th>
                    <th>Source</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((release, index) => (
                    <tr
                      key={`${release.source}-${release.commit ?? release.version}-${index}`}
                      data-testid={`release-${index}`}
                    >
                      <td data-label="Version">
                        <strong>{release.version}</strong>{" "}
                        {release.current ? <span className="badge ok">current</span> : null}
                      </td>
                      <td data-label="Commit" className="mono small">
                        {release.commit ? (
                          <LongToken
                            value={release.commit}
                            shown={release.commit.slice(0, 12)}
                            what={`commit of ${release.version}`}
                          />
                        ) : (
                          "—"
                        )}
                      </td>
                      <td data-label="Description">
                        {release.description}{" "}
                        {release.rolledBackFrom ? (
                          <span className="badge warn">rolled back {release.rolledBackFrom}</span>
                        ) : null}
                      </td>
                      <td data-label="Deployed">{formatDateTime(release.deployedAt)}</td>
                      <td data-label="Source">{SOURCE_LABEL[release.source]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
      </section>
    </>
  );
}
