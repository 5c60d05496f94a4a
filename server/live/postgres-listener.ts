import pg from "pg";
import type { Logger } from "../observability/logger";
import type { NotificationCallback } from "./pglite-listener";

export type ReconnectBackoff = { initialDelayMs: number; maxDelayMs: number };

const DEFAULT_BACKOFF: ReconnectBackoff = { initialDelayMs: 250, maxDelayMs: 10_000 };

/** Shown in pg_stat_activity, so an operator can tell this long-lived idle session apart. */
export const LISTENER_APPLICATION_NAME = "keel-live-updates";

/**
 * LISTENs on PostgreSQL over a dedicated connection: a pooled one would be handed to other
 * queries and lose its LISTEN when returned. When the connection drops (restart, failover,
 * pg_terminate_backend), it reconnects with growing delays and LISTENs again, and calls
 * `onReconnected` because notifications sent while it was away are lost for good. It logs
 * failures rather than throwing them: live updates degrade, the console keeps working.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private hasListened = false;
  private stopped = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channels: readonly string[],
    private readonly callbacks: {
      onNotification: NotificationCallback;
      onReconnected: () => void;
      /** Called each time the LISTENs are in place, and each time the connection is lost. */
      onListeningChanged?: (listening: boolean) => void;
    },
    private readonly log: Logger,
    private readonly backoff: ReconnectBackoff = DEFAULT_BACKOFF,
  ) {}

  /** Resolves after the first attempt, whatever its outcome; a failed attempt is retried in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.client) this.callbacks.onListeningChanged?.(false);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      application_name: LISTENER_APPLICATION_NAME,
      ...this.config,
      // The connection sits idle between notifications; keepalives notice when it died silently.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    client.on("notification", (message) => {
      if (this.client === client) this.callbacks.onNotification(message.channel, message.payload);
    });
    client.on("error", (error) => this.connectionLost(client, error));
    client.on("end", () => this.connectionLost(client, null));
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      this.connectionLost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.failures = 0;
    const reconnected = this.hasListened;
    this.hasListened = true;
    this.log.info({ channels: this.channels, reconnected }, "listening for live updates");
    this.callbacks.onListeningChanged?.(true);
    if (reconnected) this.callbacks.onReconnected();
  }

  private connectionLost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return; // already handled, or stopped on purpose
    this.client = null;
    this.callbacks.onListeningChanged?.(false);
    void client.end().catch(() => undefined);
    const delayMs = this.nextDelay();
    this.log.warn({ err: error ?? undefined, retryInMs: delayMs }, "live updates connection lost; reconnecting");
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
    // Waiting to reconnect is no reason to keep a finished process alive.
    this.retryTimer.unref?.();
  }

  /** Exponential, capped, with jitter so that instances do not reconnect in lockstep after a database restart. */
  private nextDelay(): number {
    const base = Math.min(this.backoff.maxDelayMs, this.backoff.initialDelayMs * 2 ** this.failures);
    this.failures += 1;
    return Math.round(base * (0.5 + Math.random() / 2));
  }
}
