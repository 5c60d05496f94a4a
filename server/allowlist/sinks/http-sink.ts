import { z } from "zod";
import { httpRequest, type HttpPolicy } from "../../connectors/http";
import { readSecretValue } from "../../secrets/store";
import type { SinkEntry } from "../entry";
import type { HttpSinkConfig } from "../target-kind";
import type { AllowlistSink, SinkContext } from "./sink";

const listedEntries = z.object({
  entries: z.array(
    z.object({ id: z.string(), cidr: z.string(), comment: z.string().default(""), expiresAt: z.string() }),
  ),
});

/** The body Keel sends for one entry; what the plan shows is exactly this. */
export function httpEntryBody(entry: SinkEntry): string {
  return JSON.stringify({ cidr: entry.cidr, comment: entry.comment, expiresAt: entry.expiresAt.toISOString() });
}

/** A WAF-style JSON API (see httpSinkConfig), called under the target's host allowlist. */
export function httpSink(config: HttpSinkConfig): AllowlistSink {
  const label = `API ${config.baseUrl}`;
  const policy: HttpPolicy = {
    allowedHosts: config.allowedHosts,
    allowPrivateNetwork: config.allowPrivateNetwork,
    timeoutMs: config.timeoutMs,
  };
  const entryUrl = (id: string) => `${config.baseUrl}/entries/${encodeURIComponent(id)}`;

  async function secretHeaders(context: SinkContext): Promise<Record<string, string>> {
    if (!config.secretHeader) return {};
    const secret = await readSecretValue(context.db, config.secretHeader.secret);
    if (!secret)
      throw new Error(
        `${label}: the managed secret "${config.secretHeader.secret}" for header ${config.secretHeader.name} has no current value.`,
      );
    context.registerSecret(secret.value);
    return { [config.secretHeader.name]: secret.value };
  }

  async function list(context: SinkContext): Promise<SinkEntry[]> {
    const response = await httpRequest(policy, {
      method: "GET",
      url: `${config.baseUrl}/entries`,
      secretHeaders: await secretHeaders(context),
      signal: context.signal,
      log: context.log,
    });
    if (response.status !== 200) throw new Error(`${label}: listing entries answered ${response.status}.`);
    let parsed;
    try {
      parsed = listedEntries.parse(JSON.parse(response.body));
    } catch {
      throw new Error(
        `${label}: the entry list is not the expected JSON ({ "entries": [{ "id", "cidr", "comment", "expiresAt" }] }).`,
      );
    }
    return parsed.entries.map((e) => ({
      id: e.id,
      cidr: e.cidr,
      comment: e.comment,
      expiresAt: new Date(e.expiresAt),
    }));
  }

  return {
    label,
    async planAdd(entry) {
      return {
        target: label,
        description: `PUT ${entryUrl(entry.id)}`,
        before: `(no entry for ${entry.cidr})`,
        after: httpEntryBody(entry),
      };
    },
    async planRemove(entry) {
      return {
        target: label,
        description: `DELETE ${entryUrl(entry.id)}`,
        before: httpEntryBody(entry),
        after: `(no entry for ${entry.cidr})`,
      };
    },
    async add(entry, context) {
      if ((await list(context)).some((e) => e.id === entry.id && e.cidr === entry.cidr)) {
        context.log(`${label}: entry ${entry.id} for ${entry.cidr} is already there`);
        return "present";
      }
      const response = await httpRequest(policy, {
        method: "PUT",
        url: entryUrl(entry.id),
        headers: { "idempotency-key": entry.id },
        secretHeaders: await secretHeaders(context),
        body: httpEntryBody(entry),
        signal: context.signal,
        log: context.log,
      });
      if (response.status < 200 || response.status > 299)
        throw new Error(`${label}: adding ${entry.cidr} answered ${response.status}.`);
      return "added";
    },
    async remove(entryId, context) {
      if (!(await list(context)).some((e) => e.id === entryId)) {
        context.log(`${label}: no entry ${entryId}`);
        return "absent";
      }
      const response = await httpRequest(policy, {
        method: "DELETE",
        url: entryUrl(entryId),
        secretHeaders: await secretHeaders(context),
        signal: context.signal,
        log: context.log,
      });
      if (response.status === 404) return "absent";
      if (response.status < 200 || response.status > 299)
        throw new Error(`${label}: removing entry ${entryId} answered ${response.status}.`);
      return "removed";
    },
    list,
  };
}
