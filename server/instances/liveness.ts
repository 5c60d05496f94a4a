/** How often each instance updates its row. */
export const HEARTBEAT_MS = 5000;
/** An instance not seen for three heartbeats is gone. */
export const GONE_AFTER_MS = 3 * HEARTBEAT_MS;
/** The row of an instance gone this long is deleted by any other. */
export const FORGET_AFTER_MS = 10 * 60_000;
