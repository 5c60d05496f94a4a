import http from "node:http";
import type { AddressInfo } from "node:net";

export type WafEntry = { id: string; cidr: string; comment: string; expiresAt: string };

/**
 * A real WAF-style allowlist API on 127.0.0.1 for tests: GET /entries, PUT /entries/:id,
 * DELETE /entries/:id, each refused with 401 unless the API key header matches.
 */
export async function startWafServer(apiKey: string, header = "x-api-key") {
  const entries = new Map<string, WafEntry>();
  const requests: { method: string; path: string; authorised: boolean }[] = [];
  /** While true, every request gets 503, as from a WAF having an outage. */
  const state = { down: false };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const authorised = request.headers[header] === apiKey;
      requests.push({ method: request.method ?? "", path, authorised });
      const send = (status: number, body?: unknown) => {
        response.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
        response.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (state.down) return send(503, { error: "unavailable" });
      if (!authorised) return send(401, { error: "bad api key" });
      if (request.method === "GET" && path === "/entries") return send(200, { entries: [...entries.values()] });
      const match = /^\/entries\/([^/]+)$/.exec(path);
      if (!match) return send(404, { error: "not found" });
      const id = decodeURIComponent(match[1]!);
      if (request.method === "PUT") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Omit<WafEntry, "id">;
        const existed = entries.has(id);
        entries.set(id, { id, cidr: body.cidr, comment: body.comment, expiresAt: body.expiresAt });
        return send(existed ? 200 : 201, entries.get(id));
      }
      if (request.method === "DELETE") return entries.delete(id) ? send(204) : send(404, { error: "no such entry" });
      return send(405, { error: "method not allowed" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    entries,
    requests,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
