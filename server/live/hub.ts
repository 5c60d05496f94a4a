import "server-only";
import type { DatabaseHandle } from "@/db/client";
import { beforeDatabaseClose, getDatabaseHandle } from "../db";
import { getLogger, type Logger } from "../observability/logger";
import { decodeLiveEvent, liveEventTopic, POSTGRES_LIVE_CHANNELS, type LiveEvent } from "./live-event";
import { listenOnPglite } from "./pglite-listener";
import { PostgresListener, type ReconnectBackoff } from "./postgres-listener";

export type { LiveEvent } from "./live-event";
export type LiveListener = (event: LiveEvent) => void;

/**
 * One LISTEN per process, fanned out to everyone watching a run: open run pages subscribe here
 * instead of each holding a database connection of its own.
 */
export class LiveHub {
  private readonly subscribers = new Map<string, Set<{ listener: LiveListener }>>();
  private readonly reconnectListeners = new Set<{ listener: () => void }>();
  private readonly log: Logger;
  private starting: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  /** Counts every time listening started or stopped; null while not listening. */
  private epoch = 0;
  private listening = false;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly options: { backoff?: ReconnectBackoff } = {},
  ) {
    this.log = getLogger().child({ component: "live-hub" });
  }

  /** Starts listening. On PostgreSQL it resolves even when the database is unreachable, and keeps trying. */
  start(): Promise<void> {
    this.starting ??= this.listen().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = null;
    if (!starting) return;
    await starting.catch(() => undefined);
    const stopListening = this.stopListening;
    this.stopListening = null;
    await stopListening?.();
  }

  /** Calls `listener` with each event about `runId` (or another topic, see liveEventTopic); returns the way to stop. */
  subscribe(runId: string, listener: LiveListener): () => void {
    const subscription = { listener };
    let forRun = this.subscribers.get(runId);
    if (!forRun) this.subscribers.set(runId, (forRun = new Set()));
    forRun.add(subscription);
    return () => {
      forRun.delete(subscription);
      if (forRun.size === 0 && this.subscribers.get(runId) === forRun) this.subscribers.delete(runId);
    };
  }

  /**
   * Calls `listener` after the hub's database connection came back: whatever was notified while
   * it was down is lost, so subscribers should read the current state again.
   */
  onReconnected(listener: () => void): () => void {
    const subscription = { listener };
    this.reconnectListeners.add(subscription);
    return () => void this.reconnectListeners.delete(subscription);
  }

  /**
   * While the hub is listening, a number that changes whenever it stops or starts again (so a
   * notification may have been missed in between); null while it is not listening. Whoever
   * caches what notifications invalidate serves the cache only while this stays the same.
   */
  listeningEpoch(): number | null {
    return this.listening ? this.epoch : null;
  }

  private setListening(listening: boolean): void {
    this.listening = listening;
    this.epoch += 1;
  }

  /** How many runs have someone watching (for tests and diagnostics). */
  watchedRunCount(): number {
    return this.subscribers.size;
  }

  private async listen(): Promise<void> {
    const onNotification = (channel: string, payload: string | undefined) => this.dispatch(channel, payload);
    const { raw } = this.handle;
    if (raw.kind === "pglite") {
      const unlisten = await listenOnPglite(raw.client, POSTGRES_LIVE_CHANNELS, onNotification);
      this.setListening(true);
      this.stopListening = async () => {
        this.setListening(false);
        await unlisten();
      };
      return;
    }
    // The same connection settings the pool gives its own clients.
    const listener = new PostgresListener(
      raw.pool.options,
      POSTGRES_LIVE_CHANNELS,
      {
        onNotification,
        onReconnected: () => this.announceReconnect(),
        onListeningChanged: (listening) => this.setListening(listening),
      },
      this.log,
      this.options.backoff,
    );
    this.stopListening = () => listener.stop();
    await listener.start();
  }

  private dispatch(channel: string, payload: string | undefined): void {
    const event = decodeLiveEvent(channel, payload);
    if (!event) {
      // Not the payload itself: whoever sent it may have put anything in it.
      this.log.warn(
        { channel, payloadBytes: payload === undefined ? 0 : Buffer.byteLength(payload) },
        "ignored a malformed live notification",
      );
      return;
    }
    const forRun = this.subscribers.get(liveEventTopic(event));
    if (!forRun) return;
    for (const { listener } of [...forRun]) this.callSafely(() => listener(event));
  }

  private announceReconnect(): void {
    for (const { listener } of [...this.reconnectListeners]) this.callSafely(listener);
  }

  /** One failing subscriber must not keep the others from hearing about a change. */
  private callSafely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.log.error({ err: error }, "a live update subscriber failed");
    }
  }
}

const GLOBAL_KEY = Symbol.for("keel.liveHub");
type GlobalWithLiveHub = typeof globalThis & { [GLOBAL_KEY]?: Promise<LiveHub> };

/**
 * The process's hub over the console's database, started on first use and stopped before the
 * database closes. Kept on globalThis for the same reason as the database handle: the custom
 * server and Next.js's bundle each load their own copy of this module, and one process should
 * hold one listening connection.
 */
export function getLiveHub(): Promise<LiveHub> {
  const scope = globalThis as GlobalWithLiveHub;
  const existing = scope[GLOBAL_KEY];
  if (existing) return existing;
  const pending = (async () => {
    const hub = new LiveHub(await getDatabaseHandle());
    // Registered before starting, so that a shutdown during the start still stops it.
    beforeDatabaseClose(async () => {
      if (scope[GLOBAL_KEY] === pending) delete scope[GLOBAL_KEY];
      await hub.stop();
    });
    await hub.start();
    return hub;
  })();
  scope[GLOBAL_KEY] = pending;
  // A failed start is not cached: the next call tries again.
  pending.catch(() => {
    if (scope[GLOBAL_KEY] === pending) delete scope[GLOBAL_KEY];
  });
  return pending;
}
