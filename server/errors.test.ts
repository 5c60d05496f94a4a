import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./errors";
import { toErrorEnvelope } from "./http/error-response";

describe("field errors as a person reads them", () => {
  it("say a raw key at the start of a message in words, in the message and in the field", () => {
    const error = AppError.field("launchDate", "launchDate: 2020-01-01 is before today.");
    expect(error.message).toBe("Launch date: 2020-01-01 is before today.");
    expect(error.details).toEqual({ fields: { launchDate: "Launch date: 2020-01-01 is before today." } });
  });

  it("name the fields a schema refused in words above the form", () => {
    const parsed = z.strictObject({ launchDate: z.string(), serviceUrl: z.string() }).safeParse({});
    const { body } = toErrorEnvelope(parsed.error, "req-12345678");
    expect(body.error.message).toBe("Check these fields: Launch date, Service URL.");
    expect(body.error.details?.fields).toEqual({
      launchDate: "This field is required.",
      serviceUrl: "This field is required.",
    });
  });
});
