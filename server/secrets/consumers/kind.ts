import path from "node:path";
import { z } from "zod";
import { secretName } from "@/lib/schemas/secrets";
import { commandSpec } from "../../connectors/command";
import { defineTargetKind } from "../../targets/kind";

export const SECRET_CONSUMER_KIND = "secret-consumer";

const envVariable = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "use letters, digits and _, not starting with a digit");
const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "use a header name such as X-Api-Key");

/** An http(s) URL without credentials; the secret never goes into it (it travels in a header or the body). */
const sinkUrl = z
  .string()
  .url("use a full URL such as https://service.example.com/keys")
  .refine((u) => /^https?:/.test(u), "use http or https")
  .refine((u) => !new URL(u).username && !new URL(u).password, "credentials in URLs are not allowed");

/** The service reads the secret from an env-style file; Keel rewrites its one line and keeps the rest. */
const envFileSink = z.strictObject({
  type: z.literal("env-file"),
  path: z.string().refine((p) => path.isAbsolute(p), "use an absolute path"),
  variable: envVariable,
  /** Run after the file changed so the service picks the value up (e.g. systemctl reload). */
  reload: commandSpec.optional(),
});

/** The service takes the secret over HTTP: in a header, or as a field of a JSON body. */
const httpSink = z.strictObject({
  type: z.literal("http"),
  url: sinkUrl,
  method: z.enum(["POST", "PUT", "PATCH"]).default("PUT"),
  deliver: z.discriminatedUnion("in", [
    z.strictObject({ in: z.literal("header"), name: headerName }),
    z.strictObject({ in: z.literal("body"), field: z.string().min(1).max(64) }),
  ]),
  /** Loopback and private addresses are refused unless set (a service on this host or network). */
  allowPrivateNetwork: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

/** A command that installs the secret, which it receives in an environment variable (never in its arguments). */
const commandSink = z.strictObject({
  type: z.literal("command"),
  command: commandSpec,
  variable: envVariable.default("KEEL_SECRET_VALUE"),
});

/** Asks the consumer whether it accepts a value: an HTTP request carrying it, which must answer 2xx. */
const probe = z.strictObject({
  url: sinkUrl,
  method: z.enum(["GET", "POST"]).default("GET"),
  header: headerName.default("Authorization"),
  /** Put before the value in the header ("Bearer"); empty for the bare value. */
  scheme: z.string().max(32).default("Bearer"),
  allowPrivateNetwork: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
});

export const secretConsumerConfig = z.strictObject({
  /** The managed secret this consumer uses. */
  secret: secretName,
  sink: z.discriminatedUnion("type", [envFileSink, httpSink, commandSink]),
  probe: probe.optional(),
});

export type SecretConsumerConfig = z.infer<typeof secretConsumerConfig>;
export type ConsumerSink = SecretConsumerConfig["sink"];
export type ConsumerProbe = NonNullable<SecretConsumerConfig["probe"]>;

/** Where a sink puts the value, in words for plans and lists; never the value. */
export function describeSink(sink: ConsumerSink): string {
  switch (sink.type) {
    case "env-file":
      return `${sink.variable} in ${sink.path}${sink.reload ? `, then ${path.basename(sink.reload.executable)}` : ""}`;
    case "http":
      return `${sink.method} ${sink.url} (${sink.deliver.in === "header" ? `header ${sink.deliver.name}` : `body field ${sink.deliver.field}`})`;
    case "command":
      return `${sink.command.executable} with ${sink.variable} in its environment`;
  }
}

export const secretConsumerKind = defineTargetKind<SecretConsumerConfig>({
  kind: SECRET_CONSUMER_KIND,
  label: "Secret consumer",
  schema: secretConsumerConfig,
  describe: (config) =>
    `uses ${config.secret}: ${describeSink(config.sink)}${config.probe ? `; probe ${config.probe.method} ${config.probe.url}` : ""}`,
});
