import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { refuseBody } from "./body-limit";

const request = (method: string, headers: Record<string, string>) =>
  ({ method, headers }) as unknown as IncomingMessage;

describe("refuseBody", () => {
  it("refuses a declared body over 1 MB with 413 naming the limit", () => {
    const refusal = refuseBody(request("POST", { "content-length": String(1024 * 1024 + 1) }), "req-1");
    expect(refusal?.status).toBe(413);
    expect(refusal?.body.error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "The request body is 1,048,577 bytes; the limit is 1 MB.",
      requestId: "req-1",
    });
    expect(refusal?.body.error.details?.fields).toHaveProperty("body");
  });

  it("lets a body of exactly the limit and bodiless requests through", () => {
    expect(refuseBody(request("POST", { "content-length": String(1024 * 1024) }), "r")).toBeNull();
    expect(refuseBody(request("GET", {}), "r")).toBeNull();
    expect(refuseBody(request("POST", {}), "r")).toBeNull();
  });

  it("refuses a chunked body, whose size nobody knows in advance, and a bad length", () => {
    expect(refuseBody(request("PUT", { "transfer-encoding": "chunked" }), "r")?.status).toBe(400);
    expect(refuseBody(request("POST", { "content-length": "lots" }), "r")?.body.error.message).toMatch(/not a number/);
  });
});
