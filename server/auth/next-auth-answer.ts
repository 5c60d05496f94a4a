import "server-only";
import { SIGN_IN_RATE_LIMITED, signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { errorEnvelope, type ErrorCode } from "../errors";

/**
 * next-auth answers some requests in its own shapes: a refused sign-in made with
 * `signIn(..., { redirect: false })` as 401 `{ url }` (the error in the URL's query), an action
 * or method it does not support as plain text. Keel's answer keeps `url` beside the envelope,
 * pointing at the sign-in page with the error, because next-auth's client reads the error from
 * it; everything else that failed becomes the envelope alone.
 */
export async function envelopeNextAuthAnswer(response: Response, requestId: string, method: string): Promise<Response> {
  if (response.status < 400) return response;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  headers.set("cache-control", "no-store");
  const text = await response.text();
  const url = redirectUrlOf(text);
  if (url) {
    const error = url.searchParams.get("error") ?? "SignInFailed";
    const signInPage = new URL("/sign-in", url);
    signInPage.searchParams.set("error", error);
    const code: ErrorCode = error.startsWith(SIGN_IN_RATE_LIMITED) ? "TOO_MANY_REQUESTS" : "UNAUTHORIZED";
    const body = {
      ...errorEnvelope(code, signInErrorMessage(error), requestId, { reason: error }),
      url: signInPage.toString(),
    };
    return new Response(JSON.stringify(body), { status: response.status, headers });
  }
  // next-auth answers 500 "Callback for provider type credentials not supported" to a GET: a method it does not take, not a failure.
  if (response.status >= 500 && /not supported/i.test(text)) {
    return new Response(
      JSON.stringify(
        errorEnvelope("METHOD_NOT_SUPPORTED", `The sign-in service does not answer ${method} here.`, requestId),
      ),
      { status: 405, headers },
    );
  }
  const code: ErrorCode =
    response.status === 405
      ? "METHOD_NOT_SUPPORTED"
      : response.status === 404
        ? "NOT_FOUND"
        : response.status >= 500
          ? "INTERNAL_SERVER_ERROR"
          : "BAD_REQUEST";
  const message =
    response.status >= 500
      ? "Signing in failed on the server. The request id helps an admin find the cause."
      : `The sign-in service does not answer ${method} here.`;
  return new Response(JSON.stringify(errorEnvelope(code, message, requestId)), { status: response.status, headers });
}

function redirectUrlOf(text: string): URL | null {
  try {
    const parsed = JSON.parse(text) as { url?: unknown };
    return typeof parsed?.url === "string" ? new URL(parsed.url) : null;
  } catch {
    return null;
  }
}
