import { z } from "zod";
import { API_TOKEN_SCOPES } from "@/lib/api-tokens/scopes";

export const API_TOKEN_SCOPE_DESCRIPTIONS: Record<(typeof API_TOKEN_SCOPES)[number], string> = {
  "deployments:write": "Record deployments (POST /api/v1/deployments)",
};

export const createApiTokenInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the token after what uses it (e.g. “CI: web”)")
    .max(80, "Use at most 80 characters"),
  scopes: z
    .array(z.enum(API_TOKEN_SCOPES, { message: `Choose from: ${API_TOKEN_SCOPES.join(", ")}` }))
    .min(1, "Choose at least one scope"),
});

export const revokeApiTokenInput = z.object({ tokenId: z.uuid("Unknown token") });

export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;
