import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedRequest = { method: string; path: string; headers: IncomingMessage["headers"]; body: string };

/**
 * A real HTTP server on 127.0.0.1 for a test: answers each path with the status its handler
 * returns, and keeps every request it received.
 */
export async function startLocalServer(
  handlers: Record<string, (request: ReceivedRequest) => number | { status: number; body: string }>,
): Promise<{
  url: (path: string) => string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = {
        method: req.method ?? "GET",
        path: (req.url ?? "/").split("?")[0]!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(request);
      const handler = handlers[request.path];
      const answer = handler ? handler(request) : 404;
      const { status, body } =
        typeof answer === "number" ? { status: answer, body: JSON.stringify({ status: answer }) } : answer;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
