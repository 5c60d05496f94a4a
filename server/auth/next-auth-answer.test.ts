import { describe, expect, it } from "vitest";
import { envelopeNextAuthAnswer } from "./next-auth-answer";

describe("envelopeNextAuthAnswer", () => {
  it("answers a refused sign-in in the envelope, keeping the url next-auth's client reads, pointed at the sign-in page", async () => {
    const raw = Response.json(
      { url: "http://keel.test/api/auth/error?error=CredentialsSignin&provider=credentials" },
      { status: 401 },
    );
    const answer = await envelopeNextAuthAnswer(raw, "req-1", "POST");
    expect(answer.status).toBe(401);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(await answer.json()).toEqual({
      error: {
        code: "UNAUTHORIZED",
        message: "Invalid email or password.",
        requestId: "req-1",
        details: { reason: "CredentialsSignin" },
      },
      url: "http://keel.test/sign-in?error=CredentialsSignin",
    });
  });

  it("names the sign-in lock as 429's code and keeps its wait in the url", async () => {
    const answer = await envelopeNextAuthAnswer(
      Response.json({ url: "http://keel.test/sign-in?error=rate_limited%3A600" }, { status: 401 }),
      "req-2",
      "POST",
    );
    const body = (await answer.json()) as { error: { code: string; message: string }; url: string };
    expect(body.error.code).toBe("TOO_MANY_REQUESTS");
    expect(body.error.message).toContain("10 minutes");
    expect(new URL(body.url).searchParams.get("error")).toBe("rate_limited:600");
  });

  it("turns next-auth's plain-text refusals into the envelope and passes successes and redirects through", async () => {
    const text = await envelopeNextAuthAnswer(
      new Response("This action with HTTP GET is not supported by NextAuth.js", { status: 400 }),
      "req-3",
      "GET",
    );
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({
      error: { code: "BAD_REQUEST", message: "The sign-in service does not answer GET here.", requestId: "req-3" },
    });
    const unsupported = await envelopeNextAuthAnswer(
      new Response("Error: Callback for provider type credentials not supported", { status: 500 }),
      "req-4",
      "GET",
    );
    expect(unsupported.status).toBe(405);
    expect(await unsupported.json()).toMatchObject({ error: { code: "METHOD_NOT_SUPPORTED", requestId: "req-4" } });
    const ok = Response.json({ csrfToken: "x" });
    expect(await envelopeNextAuthAnswer(ok, "r", "GET")).toBe(ok);
    const redirect = new Response(null, { status: 302, headers: { location: "/sign-in?error=x" } });
    expect(await envelopeNextAuthAnswer(redirect, "r", "GET")).toBe(redirect);
  });
});
