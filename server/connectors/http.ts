import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import ipaddr from "ipaddr.js";
import { hostAllowed, isLoopbackHost, isPublicAddress } from "./network-policy";

/** What a target allows its HTTP calls to do (seed 002 §9: host allowlist, no private addresses). */
export type HttpPolicy = {
  allowedHosts: string[];
  /** Loopback, private and link-local addresses are refused unless this is set. */
  allowPrivateNetwork?: boolean;
  timeoutMs?: number;
  /** Retries on 429, 5xx and network errors, with exponential backoff and jitter. */
  retries?: number;
};

export type HttpCall = {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Headers whose values are secrets: sent, never logged. */
  secretHeaders?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Lines for the run page; values of secret headers are never passed here. */
  log?: (line: string) => void;
};

export type HttpResult = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  attempts: number;
};

export class HttpPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HttpPolicyError";
  }
}

const MAX_BODY = 1024 * 1024;

/** Checks a URL against the policy before anything is sent. */
export function checkUrl(policy: HttpPolicy, rawUrl: string): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new HttpPolicyError(`"${rawUrl}" is not a valid URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new HttpPolicyError(`${url.origin} must use https (plain http is allowed only for loopback)`);
  }
  if (url.username || url.password)
    throw new HttpPolicyError("credentials in URLs are not allowed; use a secret header");
  if (!hostAllowed(url.hostname, policy.allowedHosts)) {
    throw new HttpPolicyError(
      `${url.hostname} is not in this target's allowed hosts (${policy.allowedHosts.join(", ") || "none"})`,
    );
  }
  // An address written in the URL is never looked up, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(literal) && !isPublicAddress(literal) && !policy.allowPrivateNetwork) {
    throw new HttpPolicyError(`${literal} is a non-public address this target does not allow`);
  }
  return url;
}

/**
 * Resolves the host and refuses private, loopback and link-local addresses unless allowed. The
 * connection uses the address checked here, so DNS cannot change between check and connect.
 */
function guardedLookup(policy: HttpPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused && !policy.allowPrivateNetwork) {
        return callback(
          new HttpPolicyError(
            `${hostname} resolves to ${refused.address}, a non-public address this target does not allow`,
          ),
          "",
          4,
        );
      }
      const chosen = addresses[0]!;
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, chosen.address, chosen.family);
    });
  };
}

function once(
  policy: HttpPolicy,
  url: URL,
  call: HttpCall,
  signal: AbortSignal,
): Promise<Omit<HttpResult, "attempts">> {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: call.method,
        headers: {
          "user-agent": "Keel",
          ...(call.body ? { "content-type": "application/json" } : {}),
          ...call.headers,
          ...call.secretHeaders,
        },
        lookup: guardedLookup(policy),
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY) chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    if (call.body) request.write(call.body);
    request.end();
  });
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** One HTTP call under a target's policy, with a timeout per attempt and retries with backoff. */
export async function httpRequest(policy: HttpPolicy, call: HttpCall): Promise<HttpResult> {
  const url = checkUrl(policy, call.url);
  const retries = policy.retries ?? 2;
  const timeoutMs = policy.timeoutMs ?? 10_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const signal = call.signal
      ? AbortSignal.any([call.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    try {
      const result = await once(policy, url, call, signal);
      call.log?.(
        `${call.method} ${url.origin}${url.pathname} → ${result.status}${attempt > 1 ? ` (attempt ${attempt})` : ""}`,
      );
      if (!retryable(result.status) || attempt > retries) return { ...result, attempts: attempt };
      lastError = new Error(`${url.origin}${url.pathname} answered ${result.status}`);
    } catch (error) {
      if (error instanceof HttpPolicyError || call.signal?.aborted) throw error;
      lastError = error;
      call.log?.(
        `${call.method} ${url.origin}${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}${attempt <= retries ? "; retrying" : ""}`,
      );
      if (attempt > retries) break;
    }
    await sleep(Math.min(5000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random()), undefined, { signal: call.signal });
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
