/** What an API token may do; shared by the schema, the token form and its validation. */
export const API_TOKEN_SCOPES = ["deployments:write"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
