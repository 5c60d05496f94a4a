import path from "node:path";
import { z } from "zod";
import { commandSpec } from "../connectors/command";
import { defineTargetKind } from "../targets/kind";

/** One nginx-style directive per line; no newline or block could sneak in through configuration. */
const directiveLine = z
  .string()
  .trim()
  .regex(/^[a-z_]+\s[^\n{}#]*;$/, 'use one directive such as "deny all;"');

/** An nginx `allow` include file that Keel owns, reloaded by an optional command after each change. */
export const fileSinkConfig = z.strictObject({
  type: z.literal("file"),
  path: z.string().refine((p) => path.isAbsolute(p), "use an absolute path"),
  /** Lines that always end the file, after the allow lines ("deny all;"); none by default. */
  trailer: z.array(directiveLine).max(20).default([]),
  /** Run after the file changed (nginx -s reload); never a shell string. */
  reload: commandSpec.optional(),
});

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "use a header name such as X-Api-Key");

/**
 * A WAF-style JSON API: GET {baseUrl}/entries lists `{ entries: [{ id, cidr, comment, expiresAt }] }`,
 * PUT {baseUrl}/entries/{id} adds or replaces one, DELETE {baseUrl}/entries/{id} removes one.
 */
export const httpSinkConfig = z.strictObject({
  type: z.literal("http"),
  baseUrl: z.url({ protocol: /^https?$/, message: "use an http(s) URL" }).transform((u) => u.replace(/\/+$/, "")),
  allowedHosts: z.array(z.string().min(1)).min(1, "list the hosts this sink may call"),
  allowPrivateNetwork: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** A header whose value is a managed secret (by name); the value never appears in config or output. */
  secretHeader: z.strictObject({ name: headerName, secret: z.string().min(1) }).optional(),
});

export const sinkConfig = z.discriminatedUnion("type", [fileSinkConfig, httpSinkConfig]);

export const allowlistConfig = z.strictObject({
  sinks: z.array(sinkConfig).min(1, "an allowlist needs at least one sink"),
});

export type FileSinkConfig = z.infer<typeof fileSinkConfig>;
export type HttpSinkConfig = z.infer<typeof httpSinkConfig>;
export type SinkConfig = z.infer<typeof sinkConfig>;
export type AllowlistConfig = z.infer<typeof allowlistConfig>;

export function describeSink(sink: SinkConfig): string {
  return sink.type === "file" ? `file ${sink.path}` : `API ${sink.baseUrl}`;
}

export const allowlistTargetKind = defineTargetKind<AllowlistConfig>({
  kind: "allowlist",
  label: "Allowlist",
  schema: allowlistConfig,
  describe: (config) => config.sinks.map(describeSink).join(", "),
});
