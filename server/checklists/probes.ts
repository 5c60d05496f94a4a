import { and, desc, eq, gte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { managedSecrets, runs } from "@/db/schema";
import type { ProbeDefinition } from "@/lib/checklists/probes";
import { describeProbe } from "@/lib/checklists/probes";
import { verifyAuditChain } from "../audit/verify";
import { listBackups } from "../backups/backup-files";
import type { DatabaseTargetConfig } from "../backups/database-target";
import type { StepRegistry } from "../engine/registry";
import { getTargetConfig, listTargets } from "../targets/catalog";

export type ProbeOutcome = { passed: boolean; checked: string; summary: string; observed: Record<string, unknown> };
export type ProbeContext = { db: Database; registry: StepRegistry; now: Date; itemId: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A registered check gets this long; a probe of a URL its own timeoutSeconds. */
const CHECK_TIMEOUT_MS = 60_000;

/** `{{service}}` and `{{serviceUrl}}` in every string of the probe, from the checklist. */
export function fillProbe(probe: ProbeDefinition, values: { service: string; serviceUrl: string }): ProbeDefinition {
  const fill = (value: unknown): unknown => {
    if (typeof value === "string")
      return value.replaceAll("{{serviceUrl}}", values.serviceUrl).replaceAll("{{service}}", values.service);
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(probe) as ProbeDefinition;
}

/** Runs one probe. Never throws for what it finds: an unreachable URL or a missing target is a failed result saying so. */
export async function runProbe(probe: ProbeDefinition, context: ProbeContext): Promise<ProbeOutcome> {
  const checked = describeProbe(probe);
  try {
    const outcome = await probeOnce(probe, context);
    return { checked, ...outcome };
  } catch (error) {
    return {
      checked,
      passed: false,
      summary: `The check could not run: ${error instanceof Error ? error.message : String(error)}`,
      observed: {},
    };
  }
}

async function probeOnce(probe: ProbeDefinition, context: ProbeContext): Promise<Omit<ProbeOutcome, "checked">> {
  switch (probe.probe) {
    case "http":
      return httpProbe(probe);
    case "https-redirect":
      return httpsRedirectProbe(probe);
    case "backup-age":
      return backupAgeProbe(context, probe);
    case "audit-verify": {
      const result = await verifyAuditChain(context.db);
      return result.ok
        ? {
            passed: true,
            summary: `The audit chain verifies: ${result.count} events, none edited or missing.`,
            observed: { count: result.count },
          }
        : {
            passed: false,
            summary: `The audit chain is broken at sequence ${result.brokenSeq}: ${result.problem}.`,
            observed: { brokenSeq: result.brokenSeq, problem: result.problem, verifiedBefore: result.count },
          };
    }
    case "runbook-succeeded": {
      const since = new Date(context.now.getTime() - probe.withinDays * DAY_MS);
      const [run] = await context.db
        .select({ id: runs.id, number: runs.number, endedAt: runs.endedAt })
        .from(runs)
        .where(and(eq(runs.runbookId, probe.runbook), eq(runs.status, "succeeded"), gte(runs.endedAt, since)))
        .orderBy(desc(runs.endedAt))
        .limit(1);
      if (!run)
        return {
          passed: false,
          summary: `No run of ${probe.runbook} succeeded in the last ${probe.withinDays} days.`,
          observed: { since: since.toISOString() },
        };
      return {
        passed: true,
        summary: `Run ${run.number} of ${probe.runbook} succeeded at ${run.endedAt!.toISOString()}.`,
        observed: { runId: run.id, runNumber: run.number, endedAt: run.endedAt!.toISOString() },
      };
    }
    case "secret-rotated": {
      const [secret] = await context.db
        .select({ lastRotatedAt: managedSecrets.lastRotatedAt })
        .from(managedSecrets)
        .where(eq(managedSecrets.name, probe.secret));
      if (!secret) return { passed: false, summary: `There is no managed secret named ${probe.secret}.`, observed: {} };
      if (!secret.lastRotatedAt)
        return { passed: false, summary: `${probe.secret} has never been rotated.`, observed: { lastRotatedAt: null } };
      const ageDays = (context.now.getTime() - secret.lastRotatedAt.getTime()) / DAY_MS;
      const observed = { lastRotatedAt: secret.lastRotatedAt.toISOString(), ageDays: Math.round(ageDays * 10) / 10 };
      return ageDays <= probe.withinDays
        ? { passed: true, summary: `${probe.secret} was rotated ${observed.ageDays} days ago.`, observed }
        : {
            passed: false,
            summary: `${probe.secret} was last rotated ${observed.ageDays} days ago, more than ${probe.withinDays}.`,
            observed,
          };
    }
    case "check":
      return registeredCheck(probe, context);
  }
}

function requestUrl(raw: string): URL {
  if (raw.includes("{{")) throw new Error("the checklist has no service URL; a lead can set it on the checklist");
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${url.protocol} URLs cannot be probed`);
  return url;
}

/** One request, no redirect followed, bounded in time; the body is never read. */
async function fetchOnce(url: URL, timeoutSeconds: number): Promise<Response> {
  const response = await fetch(url, {
    method: "GET",
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
    headers: { "user-agent": "Keel readiness probe" },
  });
  await response.body?.cancel().catch(() => {});
  return response;
}

function describeFailure(url: URL, error: unknown, timeoutSeconds: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `${url.href} did not answer within ${timeoutSeconds}s.`;
  const cause =
    error instanceof Error && error.cause instanceof Error
      ? error.cause.message
      : error instanceof Error
        ? error.message
        : String(error);
  return `${url.href} could not be reached: ${cause}.`;
}

async function httpProbe(probe: Extract<ProbeDefinition, { probe: "http" }>): Promise<Omit<ProbeOutcome, "checked">> {
  const url = requestUrl(probe.url);
  let response: Response;
  try {
    response = await fetchOnce(url, probe.timeoutSeconds);
  } catch (error) {
    return { passed: false, summary: describeFailure(url, error, probe.timeoutSeconds), observed: { url: url.href } };
  }
  const headers: Record<string, string | null> = {};
  const problems: string[] = [];
  if (response.status !== probe.expectStatus) {
    const location = response.headers.get("location");
    problems.push(
      `answered ${response.status}${REDIRECTS.has(response.status) && location ? ` (a redirect to ${location}, not followed)` : ""} instead of ${probe.expectStatus}`,
    );
  }
  for (const expected of probe.expectHeaders) {
    const value = response.headers.get(expected.name);
    headers[expected.name.toLowerCase()] = value === null ? null : value.slice(0, 500);
    if (value === null) problems.push(`has no ${expected.name} header`);
    else if (expected.contains && !value.toLowerCase().includes(expected.contains.toLowerCase()))
      problems.push(`its ${expected.name} header does not contain "${expected.contains}"`);
  }
  const observed = { url: url.href, status: response.status, headers };
  if (problems.length === 0) {
    const shown = probe.expectHeaders.length > 0 ? ` with ${probe.expectHeaders.map((h) => h.name).join(", ")}` : "";
    return { passed: true, summary: `${url.href} answered ${response.status}${shown}.`, observed };
  }
  return { passed: false, summary: `${url.href} ${problems.join("; ")}.`, observed };
}

async function httpsRedirectProbe(
  probe: Extract<ProbeDefinition, { probe: "https-redirect" }>,
): Promise<Omit<ProbeOutcome, "checked">> {
  const url = requestUrl(probe.url);
  // Ask over plain HTTP, whichever scheme the service URL was written with.
  url.protocol = "http:";
  let response: Response;
  try {
    response = await fetchOnce(url, probe.timeoutSeconds);
  } catch (error) {
    return { passed: false, summary: describeFailure(url, error, probe.timeoutSeconds), observed: { url: url.href } };
  }
  const location = response.headers.get("location");
  const observed = { url: url.href, status: response.status, location };
  if (!REDIRECTS.has(response.status))
    return {
      passed: false,
      summary: `${url.href} answered ${response.status} over plain HTTP instead of redirecting to HTTPS.`,
      observed,
    };
  let target: URL | null = null;
  try {
    target = location ? new URL(location, url) : null;
  } catch {
    target = null;
  }
  if (!target || target.protocol !== "https:")
    return {
      passed: false,
      summary: `${url.href} redirects with ${response.status}, but to ${location ?? "nowhere"}, not to HTTPS.`,
      observed,
    };
  return { passed: true, summary: `${url.href} redirects with ${response.status} to ${target.href}.`, observed };
}

async function backupAgeProbe(
  context: ProbeContext,
  probe: Extract<ProbeDefinition, { probe: "backup-age" }>,
): Promise<Omit<ProbeOutcome, "checked">> {
  let config: DatabaseTargetConfig;
  try {
    ({ config } = await getTargetConfig<DatabaseTargetConfig>(context.db, "database", probe.database, "database"));
  } catch {
    const known = (await listTargets(context.db, "database")).map((t) => t.name);
    const choices =
      known.length > 0
        ? `The database targets there are: ${known.join(", ")}; bind this item's check to the right one, or ask`
        : "There is no database target at all: ask";
    return {
      passed: false,
      summary: `No database target is named "${probe.database}", so its backups cannot be found. ${choices} an admin to add a database target named ${probe.database} in Admin > Targets.`,
      observed: { missingDatabaseTarget: probe.database, databaseTargets: known },
    };
  }
  const [newest] = listBackups(config.backupDirectory);
  if (!newest)
    return {
      passed: false,
      summary: `${probe.database} has no backup in ${config.backupDirectory}.`,
      observed: { directory: config.backupDirectory },
    };
  const ageHours = Math.round(((context.now.getTime() - newest.modifiedAt.getTime()) / HOUR_MS) * 10) / 10;
  const observed = {
    backup: newest.name,
    takenAt: newest.modifiedAt.toISOString(),
    ageHours,
    sizeBytes: newest.sizeBytes,
  };
  return ageHours <= probe.maxAgeHours
    ? {
        passed: true,
        summary: `The newest backup of ${probe.database} (${newest.name}) is ${ageHours} h old.`,
        observed,
      }
    : {
        passed: false,
        summary: `The newest backup of ${probe.database} (${newest.name}) is ${ageHours} h old, more than ${probe.maxAgeHours} h.`,
        observed,
      };
}

/** A check step of a runbook, called outside a run: its output lines are kept (redacted of any secret it fetched). */
async function registeredCheck(
  probe: Extract<ProbeDefinition, { probe: "check" }>,
  context: ProbeContext,
): Promise<Omit<ProbeOutcome, "checked">> {
  const check = context.registry.check(probe.check);
  if (!check) return { passed: false, summary: `No check "${probe.check}" is registered.`, observed: {} };
  const input = check.input.safeParse(probe.input);
  if (!input.success)
    return {
      passed: false,
      summary: `The input of ${probe.check} is not valid: ${input.error.issues.map((i) => `${i.path.join(".") || "(input)"} ${i.message}`).join("; ")}.`,
      observed: {},
    };
  const secrets: string[] = [];
  const redact = (text: string) =>
    secrets.reduce((out, secret) => (secret ? out.replaceAll(secret, "[redacted]") : out), text);
  const lines: string[] = [];
  const result = await check.run(input.data, {
    db: context.db,
    runId: "",
    stepId: `checklist-item:${context.itemId}`,
    attempt: 1,
    idempotencyKey: `checklist-item:${context.itemId}:${context.now.getTime()}`,
    resumed: false,
    log: (line) => {
      if (lines.length < 50) lines.push(line);
    },
    registerSecret: (value) => secrets.push(value),
    progress: () => {},
    signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
  });
  const details = result.details ? JSON.parse(redact(JSON.stringify(result.details))) : {};
  return {
    passed: result.passed,
    summary: redact(result.summary),
    observed: { ...details, output: lines.map(redact) },
  };
}
