/**
 * Response headers for every response (seeds 002 §3 and §8, 004 §1.3): a CSP with a per-request
 * nonce and no inline scripts, no framing, no MIME sniffing, a strict referrer policy, no
 * powerful browser features, and HSTS in production.
 */
export type SecurityHeaderOptions = {
  nonce: string;
  /** Development relaxes script and style rules for Next.js's dev tooling and hot reload. */
  development: boolean;
  production: boolean;
  /** The public URL is https: browsers are told to upgrade any http sub-request. */
  https: boolean;
};

export function contentSecurityPolicy({ nonce, development, https }: SecurityHeaderOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (options.production) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
