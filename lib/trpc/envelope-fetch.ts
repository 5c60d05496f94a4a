/**
 * Keel's server answers tRPC errors in its own envelope, `{ error: { code: "FORBIDDEN", message,
 * details?, requestId } }`. The tRPC client expects JSON-RPC's numeric codes, so this fetch turns
 * the envelope back into that form, keeping Keel's fields under `data` (see readClientError).
 */
const JSON_RPC_CODES: Record<string, number> = {
  PARSE_ERROR: -32700,
  BAD_REQUEST: -32600,
  INTERNAL_SERVER_ERROR: -32603,
  NOT_IMPLEMENTED: -32603,
  BAD_GATEWAY: -32603,
  SERVICE_UNAVAILABLE: -32603,
  GATEWAY_TIMEOUT: -32603,
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  METHOD_NOT_SUPPORTED: -32005,
  TIMEOUT: -32008,
  CONFLICT: -32009,
  PRECONDITION_FAILED: -32012,
  PAYLOAD_TOO_LARGE: -32013,
  UNPROCESSABLE_CONTENT: -32022,
  TOO_MANY_REQUESTS: -32029,
  CLIENT_CLOSED_REQUEST: -32099,
};

type Envelope = { error: { code: string; message: string; details?: unknown; requestId?: string } };

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && typeof (error as { code: unknown }).code === "string";
}

function toJsonRpc(item: unknown, httpStatus: number): unknown {
  if (!isEnvelope(item)) return item;
  const { code, message, details, requestId } = item.error;
  return { error: { code: JSON_RPC_CODES[code] ?? -32603, message, data: { code, details, requestId, httpStatus } } };
}

export const envelopeFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.ok || !response.headers.get("content-type")?.includes("application/json")) return response;
  const body: unknown = await response.json();
  const adapted = Array.isArray(body)
    ? body.map((item) => toJsonRpc(item, response.status))
    : toJsonRpc(body, response.status);
  return new Response(JSON.stringify(adapted), { status: response.status, headers: response.headers });
};
