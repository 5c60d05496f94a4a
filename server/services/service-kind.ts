import { z } from "zod";
import { checkRepositoryLocation } from "../connectors/git";
import { defineTargetKind } from "../targets/kind";

const host = z.string().trim().min(1).max(253);

const gitStrategy = z.strictObject({ strategy: z.literal("git") });

const httpStrategy = z.strictObject({
  strategy: z.literal("http"),
  /** The deploy system's rollback endpoint; receives { service, version, commit, reason } as JSON. */
  url: z.url({ message: "use the full URL of the deploy system's rollback endpoint" }),
  method: z.enum(["POST", "PUT"]).default("POST"),
  /** A header whose value is a managed secret (the deploy system's API key). */
  secretHeader: z
    .strictObject({
      name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "use a header name such as Authorization"),
      secret: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, "name a managed secret"),
      /** Written before the value, e.g. "Bearer ". */
      prefix: z.string().max(20).default(""),
    })
    .optional(),
});

export const serviceConfig = z
  .strictObject({
    /** Where it runs; production rollbacks wait for a lead's approval. */
    environment: z.enum(["production", "staging", "development"]).default("production"),
    /** The repository whose branch is what is deployed (Coolify, Argo CD, Flux, …). */
    deployRepository: z
      .string()
      .trim()
      .min(1)
      .superRefine((value, ctx) => {
        const problem = checkRepositoryLocation(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    branch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,200}$/, "use a branch name")
      .refine((b) => !b.startsWith("-") && !b.includes(".."), "use a branch name")
      .default("main"),
    // A missing rollback block is reported as a missing strategy: that is the field to fill in.
    rollback: z.preprocess(
      (value) => value ?? {},
      z.discriminatedUnion("strategy", [gitStrategy, httpStrategy], {
        error: (issue) => (issue.code === "invalid_union" ? 'choose a rollback strategy: "git" or "http"' : undefined),
      }),
    ),
    health: z.strictObject({
      url: z.url({ message: "use the full URL of the service's health endpoint" }),
      /** Healthy means this many successful probes in a row... */
      consecutiveSuccesses: z.number().int().min(1).max(100).default(3),
      /** ...taken this many seconds apart... */
      intervalSeconds: z.number().int().min(1).max(300).default(5),
      /** ...within this long, or the check fails. */
      timeoutSeconds: z.number().int().min(5).max(3600).default(300),
    }),
    /** Hosts Keel's HTTP calls for this service may reach (health and rollback endpoints). */
    allowedHosts: z.array(host).min(1, "list the hosts of the health and rollback URLs"),
    /** Loopback and private addresses are refused unless this is set. */
    allowPrivateNetwork: z.boolean().default(false),
  })
  .superRefine((config, ctx) => {
    if (config.rollback.strategy === "git" && !config.deployRepository) {
      ctx.addIssue({
        code: "custom",
        path: ["deployRepository"],
        message: "the git rollback strategy needs the deploy repository",
      });
    }
  });

export type ServiceConfig = z.infer<typeof serviceConfig>;

export const serviceKind = defineTargetKind<ServiceConfig>({
  kind: "service",
  label: "Service",
  schema: serviceConfig,
  describe(config) {
    const how =
      config.rollback.strategy === "git"
        ? `git rollback on ${config.branch} of ${config.deployRepository}`
        : `rollback through ${new URL(config.rollback.url).origin}`;
    return `${config.environment}, ${how}, health at ${config.health.url}`;
  },
});
