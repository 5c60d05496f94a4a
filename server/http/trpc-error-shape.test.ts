import { initTRPC, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, ERROR_STATUS, GENERIC_INTERNAL_MESSAGE, type ErrorCode } from "../errors";
import { keelErrorShape } from "./trpc-error-shape";

describe("Keel's error data in tRPC's error shape", () => {
  it("uses tRPC's own status for every code Keel answers with", () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(getHTTPStatusCodeFromError(new TRPCError({ code })), code).toBe(ERROR_STATUS[code]);
      expect(keelErrorShape(new AppError(code, "m"), "r").code, code).toBe(TRPC_ERROR_CODES_BY_KEY[code]);
    }
  });

  it("carries an AppError's message, fields and request id under data", () => {
    expect(keelErrorShape(AppError.field("name", "Give the incident a name."), "req-1", "incidents.create")).toEqual({
      code: TRPC_ERROR_CODES_BY_KEY.BAD_REQUEST,
      message: "Give the incident a name.",
      data: {
        code: "BAD_REQUEST",
        httpStatus: 400,
        path: "incidents.create",
        details: { fields: { name: "Give the incident a name." } },
        requestId: "req-1",
      },
    });
  });

  it("hides what an unexpected error says, and never carries a stack", () => {
    const shape = keelErrorShape(
      new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("relation secrets does not exist") }),
      "req-2",
    );
    expect(shape).toEqual({
      code: TRPC_ERROR_CODES_BY_KEY.INTERNAL_SERVER_ERROR,
      message: GENERIC_INTERNAL_MESSAGE,
      data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500, requestId: "req-2" },
    });
  });

  it("is what a real tRPC handler answers, with the status tRPC takes from it", async () => {
    const t = initTRPC.create({
      errorFormatter: ({ error, shape }) => keelErrorShape(error, "req-3", shape.data.path),
    });
    const router = t.router({
      refuse: t.procedure.query(() => {
        throw new AppError("TOO_MANY_REQUESTS", "Slow down.", { retryAfterSeconds: 5 });
      }),
      named: t.procedure.input(z.object({ name: z.string().min(1) })).mutation(() => "ok"),
    });
    const answer = (url: string, init?: RequestInit) =>
      fetchRequestHandler({ endpoint: "/api/trpc", req: new Request(`http://keel${url}`, init), router });

    const refused = await answer("/api/trpc/refuse");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      error: { message: "Slow down.", data: { code: "TOO_MANY_REQUESTS", details: { retryAfterSeconds: 5 } } },
    });

    const invalid = await answer("/api/trpc/named", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "" }),
    });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { data: { details: { fields: Record<string, string> } } } };
    expect(Object.keys(body.error.data.details.fields)).toEqual(["name"]);
  });
});
