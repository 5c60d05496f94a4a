/** Signs in through next-auth's credentials endpoint as a browser would, with fetch and a cookie jar. */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ status: number; cookie: string }> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const answer = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl, cookie: cookie() },
    body: new URLSearchParams({ email, password, csrfToken, json: "true", callbackUrl: "/" }),
  });
  keep(answer);
  return { status: answer.status, cookie: cookie() };
}
