/** Only same-site paths may be redirected to after sign-in: "/runs/1", never "//evil" or "https://…". */
export function safeRedirectPath(value: string | string[] | undefined | null, fallback = "/"): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (!candidate || !candidate.startsWith("/") || candidate.startsWith("//") || candidate.startsWith("/\\"))
    return fallback;
  return candidate;
}
