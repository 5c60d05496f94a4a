import { readFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";

export type RawAnswer = { status: number; headers: Record<string, string>; body: string };

/** Sends bytes no HTTP client would send (an unencoded lone surrogate, Content-Length: abc) and reads the whole answer. */
export function rawRequest(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error("no answer in 15 s")));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = split >= 0 ? text.slice(0, split) : text;
      const headers: Record<string, string> = {};
      for (const line of head.split("\r\n").slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(head.split(" ")[1]), headers, body: split >= 0 ? text.slice(split + 4) : "" });
    });
  });
}

/**
 * What is wrong with an error answer, or null when it is Keel's: the envelope, JSON
 * `{ error: { code, message, requestId, details? } }`, or from a tRPC procedure tRPC's error shape
 * `{ error: { code: <JSON-RPC number>, message, data: { code, httpStatus, requestId, details? } } }`.
 * With `shape: "trpc"` only the second is accepted.
 */
export function envelopeProblem(
  status: number,
  contentType: string | undefined,
  body: string,
  shape: "any" | "trpc" = "any",
): string | null {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return null;
  if (!/^application\/json\b/.test(contentType ?? ""))
    return `${status} as ${contentType ?? "no content-type"}: ${JSON.stringify(body.slice(0, 80))}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${status} with a body that is not JSON`;
  }
  // A tRPC batch answers one item per call; each failed call carries its own envelope.
  const batch = Array.isArray(parsed);
  for (const answer of batch ? (parsed as unknown[]) : [parsed]) {
    const problem = answerProblem(status, answer, body, batch, shape);
    if (problem) return problem;
  }
  return null;
}

function answerProblem(
  status: number,
  answer: unknown,
  body: string,
  batch: boolean,
  shape: "any" | "trpc",
): string | null {
  if (batch && answer && typeof answer === "object" && "result" in answer) return null;
  const outer = (answer as { error?: Record<string, unknown> } | null)?.error;
  const trpcShape = typeof outer?.code === "number";
  if (shape === "trpc" && !trpcShape) return `${status} not in tRPC's error shape: ${body.slice(0, 120)}`;
  // tRPC's shape keeps Keel's code, request id and details under data; the message stays outside.
  const error = trpcShape ? { ...(outer?.data as Record<string, unknown>), message: outer?.message } : outer;
  if (!error || typeof error.code !== "string" || typeof error.message !== "string" || error.message === "")
    return `${status} outside the envelope: ${body.slice(0, 120)}`;
  if (typeof error.requestId !== "string" || error.requestId === "unknown" || error.requestId.length < 8)
    return `${status} without a request id: ${body.slice(0, 120)}`;
  if (/\bat .+:\d+:\d+|Failed query|select .+ from|insert into/i.test(body))
    return `${status} leaks internals: ${body.slice(0, 120)}`;
  return null;
}

export type ProcedureInfo = { path: string; type: "query" | "mutation" };

/** Every tRPC procedure, read from the routers' sources (the e2e runner cannot import server modules). */
export function listProcedures(root = process.cwd()): ProcedureInfo[] {
  const dir = path.join(root, "server", "routers");
  const app = readFileSync(path.join(dir, "_app.ts"), "utf8");
  const fileOf = new Map([...app.matchAll(/import \{ (\w+) \} from "\.\/([\w-]+)";/g)].map((m) => [m[1]!, m[2]!]));
  const procedures: ProcedureInfo[] = [];
  for (const [, group, routerName] of app.matchAll(/^ {2}(\w+): (\w+Router),$/gm)) {
    const source = readFileSync(path.join(dir, `${fileOf.get(routerName!)}.ts`), "utf8");
    const starts = [...source.matchAll(/^ {2}(\w+): \w*[Pp]rocedure\b/gm)];
    starts.forEach((start, i) => {
      const body = source.slice(start.index, starts[i + 1]?.index ?? source.length);
      const type =
        /\.mutation\(/.exec(body) && (!/\.query\(/.exec(body) || body.indexOf(".mutation(") < body.indexOf(".query("))
          ? "mutation"
          : "query";
      procedures.push({ path: `${group}.${start[1]}`, type });
    });
  }
  return procedures;
}

/** API paths Keel serves, with placeholders (`:x`) for route parameters. */
export const API_ROUTES = [
  "/api/healthz",
  "/api/metrics",
  "/api/audit/export",
  "/api/runs/:x/events",
  "/api/incidents/:x/events",
  "/api/incidents/:x/postmortem",
  "/api/demo/services/:x/health",
  "/api/v1/deployments",
  "/api/trpc/:x",
  "/api/auth/:x",
  "/api/auth/callback/:x",
  "/api/:x",
];

/** Route parameters, already percent-encoded: ordinary, RTL and zero-width marks, NUL, encoded surrogates, broken encodings, traversal. */
export const HOSTILE_SEGMENTS = [
  "demo-web",
  "00000000-0000-4000-8000-000000000000",
  "42",
  "%E2%80%AEevil",
  "a%E2%80%8Bb",
  "%EF%BB%BF",
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%ED%B0%80",
  "%C3%28",
  "%E0%A4%A",
  "%FF",
  "%",
  "..%2F..%2Fetc%2Fpasswd",
  "session",
  "signin",
  "csrf",
  "credentials",
];

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"];
