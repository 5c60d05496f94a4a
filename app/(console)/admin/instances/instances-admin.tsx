"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryList } from "@/app/_components/query-list";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";

/** What an instance executes: its worker groups, the ungrouped steps, or nothing (web-only). */
function servesText(instance: { workers: number; groups: string[]; ungrouped: boolean }): string {
  if (instance.workers === 0) return "Web only: executes no steps";
  const served = [...instance.groups, ...(instance.ungrouped ? ["steps without a group"] : [])];
  return `${instance.workers} workers per queue: ${served.join(", ")}`;
}

export function InstancesAdmin() {
  const trpc = useTRPC();
  // Instances beat every 5 s; the page follows.
  const list = useQuery({ ...trpc.instances.list.queryOptions(), refetchInterval: 5000 });

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Instances</h1>
          <p>
            The Keel processes sharing this database. Each reports every 5 seconds; one silent for 15 seconds is gone,
            and its row is removed after 10 minutes. A step on a target with a worker group runs only on an instance
            serving that group (<code>KEEL_WORKER_GROUPS</code>).
          </p>
        </div>
      </div>
      <section className="card">
        <QueryList query={list} items={(data) => data} empty="No instance has reported yet.">
          {(items) => (
            <div className="table-wrap">
              <table className="table" aria-label="Instances">
                <thead>
                  <tr>
                    <th>Instance</th>
                    <th>Status</th>
                    <th>Worker groups</th>
                    <th>Version</th>
                    <th>Executing</th>
                    <th>Started</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((instance) => (
                    <tr key={instance.id} data-testid={`instance-${instance.hostname}-${instance.pid}`}>
                      <td data-label="Instance">
                        <div>{instance.hostname}</div>
                        <div className="muted small mono">pid {instance.pid}</div>
                      </td>
                      <td data-label="Status">
                        {instance.alive ? (
                          <span className="badge ok">Alive</span>
                        ) : (
                          <span className="badge danger">Gone</span>
                        )}
                      </td>
                      <td data-label="Worker groups">
                        {instance.groups.map((group) => (
                          <code key={group}>{group}</code>
                        ))}
                        <div className="muted small">{servesText(instance)}</div>
                      </td>
                      <td data-label="Version">{instance.version}</td>
                      <td data-label="Executing">
                        {instance.executing.length === 0 ? (
                          <span className="muted">Nothing</span>
                        ) : (
                          <ul>
                            {instance.executing.map((job) => (
                              <li key={`${job.runId}:${job.stepId}:${job.phase}`}>
                                <Link prefetch={false} href={`/runs/${job.runId}`}>
                                  step {job.stepId} ({job.phase})
                                </Link>{" "}
                                <span className="muted small">since {formatDateTime(job.since)}</span>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td data-label="Started">{formatDateTime(instance.startedAt)}</td>
                      <td data-label="Last seen">{formatDateTime(instance.lastSeenAt)}</td>
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
