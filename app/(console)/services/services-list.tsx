"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

export function ServicesList() {
  const trpc = useTRPC();
  const services = useQuery(trpc.services.list.queryOptions());
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Services</h1>
          <p>The services runbooks act on, and their release history.</p>
        </div>
      </div>
      <section className="card">
        {services.isError ? <FormError error={readClientError(services.error)} /> : null}
        {services.data && services.data.length === 0 ? (
          <p className="muted">No service is configured yet. Add them to the targets file.</p>
        ) : null}
        {services.data && services.data.length > 0 ? (
          <ul className="stack" aria-label="Services">
            {services.data.map((service) => (
              <li key={service.name}>
                <Link prefetch={false} href={`/services/${service.name}`}>
                  <strong>{service.name}</strong>
                </Link>
                {service.source === "demo" ? <span className="badge warn">demo</span> : null}
                <div className="muted small">{service.description || service.summary}</div>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}
