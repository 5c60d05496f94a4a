import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/next-auth";
import { envelopeNextAuthAnswer } from "@/server/auth/next-auth-answer";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, context: RouteContext): Promise<Response> {
  const response = (await NextAuth(getAuthOptions())(req, context)) as Response;
  return envelopeNextAuthAnswer(response, req.headers.get("x-request-id") ?? "unknown", req.method);
}

export { handler as GET, handler as POST };
