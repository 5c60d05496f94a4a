/** Fixed keys for tests. Test-only values; never used by a running console. */
export const TEST_KEYS = {
  AUTH_SECRET: "test-auth-secret-0123456789abcdefghijklmnopqrstuvwxyz",
  AUDIT_HMAC_KEY: "test-audit-hmac-key-0123456789abcdefghijklmnopqrstuvwxyz",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  AUDIT_SIGNING_KEY: Buffer.alloc(32, 11).toString("base64"),
};

/** The e2e console's metrics scrape token (test-only). */
export const TEST_METRICS_TOKEN = "test-metrics-token-0123456789abcdefghijklmnop";
