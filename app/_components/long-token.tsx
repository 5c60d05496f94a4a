import { CopyButton } from "./copy-button";

/**
 * A long token (fingerprint, hash, commit, request id, a secret shown once) that wraps inside its
 * box instead of widening the page, with a copy button beside it. `shown` may abbreviate it; the
 * button copies the whole value.
 */
export function LongToken({
  value,
  what,
  shown = value,
  className = "",
  testId,
}: {
  value: string;
  what: string;
  shown?: string;
  className?: string;
  testId?: string;
}) {
  return (
    <span className="long-token">
      <code
        className={`long-token-value ${className}`.trim()}
        title={shown === value ? undefined : value}
        data-testid={testId}
      >
        {shown}
      </code>
      <CopyButton value={value} what={what} />
    </span>
  );
}
