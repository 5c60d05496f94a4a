import { printable, unstorableCharacter, unstorableMessage } from "@/lib/validation/storable-text";
import { errorEnvelope, type ErrorEnvelope } from "../errors";

type Refusal = { status: number; body: ErrorEnvelope };

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

function refuse(requestId: string, field: string, message: string): Refusal {
  return { status: 400, body: errorEnvelope("BAD_REQUEST", message, requestId, { fields: { [field]: message } }) };
}

/**
 * Holds a request's path and query string to the same rule as every other input, before Next.js
 * decodes them: raw bytes outside printable ASCII, invalid percent-encoding (which URLSearchParams would silently turn into U+FFFD,
 * and which makes Next.js answer a plain-text 500) and text that cannot be stored are refused with
 * 400 naming the path or the query parameter.
 */
export function refuseUrl(rawUrl: string, requestId: string): Refusal | null {
  // Node hands raw bytes over as Latin-1; a browser percent-encodes anything outside printable ASCII.
  if (/[^\x21-\x7e]/.test(rawUrl))
    return refuse(requestId, "path", "The URL holds characters that are not percent-encoded.");
  const queryAt = rawUrl.indexOf("?");
  const path = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
  const query = queryAt >= 0 ? rawUrl.slice(queryAt + 1) : "";
  const segments = path.split("/");
  for (let i = 0; i < segments.length; i++) {
    const decoded = decode(segments[i]!);
    if (decoded === null)
      return refuse(requestId, "path", `Path segment ${i} has invalid percent-encoding (it must encode UTF-8).`);
    const character = unstorableCharacter(decoded);
    if (character) return refuse(requestId, "path", unstorableMessage(`Path segment ${i}`, character));
  }
  if (query === "") return null;
  for (const pair of query.split("&")) {
    const equals = pair.indexOf("=");
    const rawName = (equals >= 0 ? pair.slice(0, equals) : pair).replace(/\+/g, " ");
    const rawValue = equals >= 0 ? pair.slice(equals + 1).replace(/\+/g, " ") : "";
    const name = decode(rawName);
    if (name === null)
      return refuse(requestId, "query", "A query parameter name has invalid percent-encoding (it must encode UTF-8).");
    const nameCharacter = unstorableCharacter(name);
    if (nameCharacter)
      return refuse(
        requestId,
        printable(name),
        unstorableMessage(`The query parameter name ${printable(name)}`, nameCharacter),
      );
    const value = decode(rawValue);
    if (value === null) return refuse(requestId, name, `${name} has invalid percent-encoding (it must encode UTF-8).`);
    const valueCharacter = unstorableCharacter(value);
    if (valueCharacter) return refuse(requestId, name, unstorableMessage(name, valueCharacter));
  }
  return null;
}
