import http from "node:http";

export type LoadRequest = { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string };

export type LoadResult = {
  requests: number;
  elapsedMs: number;
  /** Answers whose status was not the expected one, by status (0: the request failed). */
  unexpected: Map<number, number>;
  latenciesMs: number[];
};

/**
 * Sends requests from `connections` keep-alive connections, each waiting for its answer before
 * sending the next, for `durationMs`. `next(i)` builds the i-th request of the run.
 */
export async function driveLoad(options: {
  port: number;
  connections: number;
  durationMs: number;
  expectStatus: number;
  next: (index: number) => LoadRequest;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const result: LoadResult = { requests: 0, elapsedMs: 0, unexpected: new Map(), latenciesMs: [] };
  let index = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = options.next(index++);
      const sentAt = performance.now();
      const status = await send(agent, options.port, request);
      result.latenciesMs.push(performance.now() - sentAt);
      result.requests += 1;
      if (status !== options.expectStatus) result.unexpected.set(status, (result.unexpected.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}

function send(agent: http.Agent, port: number, request: LoadRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: "127.0.0.1", port, method: request.method, path: request.path, headers: request.headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(request.body);
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
