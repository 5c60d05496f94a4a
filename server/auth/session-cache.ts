import type { ResolvedSession } from "./sessions";

/** What a request needs to know about a session, as last read from the database. */
export type SessionRecord = {
  session: ResolvedSession;
  /** When the session ends whatever happens (ms since the epoch). */
  expiresAt: number;
  /** The last activity the database holds (ms since the epoch): the idle limit counts from here. */
  lastSeenAt: number;
};

/** Taken before reading the database; store() refuses what was read if anything changed meanwhile. */
export type CacheTicket = { generation: number; epoch: number | null };

type Entry = SessionRecord & { storedAt: number; epoch: number };

export type SessionCacheOptions = {
  ttlMs: number;
  /**
   * The invalidation listener's state: null while it is not listening, otherwise a number that
   * changes whenever it stopped listening in between (see LiveHub.listeningEpoch).
   */
  listeningEpoch: () => number | null;
  maxEntries?: number;
  now?: () => number;
};

/**
 * A process's short memory of the sessions it checked, so that a request does not cost a
 * database round trip when nothing changed. An entry is served only while it is younger than the
 * TTL and the listener that would have told of a change has been listening all along; whatever
 * changes a session is forgotten here on notification (forgetSession, forgetUser). A database
 * read that overlapped a forget is not stored, so a late answer cannot bring an old state back.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: SessionCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get(sessionId: string): SessionRecord | null {
    const entry = this.entries.get(sessionId);
    if (!entry) return null;
    const epoch = this.options.listeningEpoch();
    if (epoch === null || epoch !== entry.epoch || this.now() - entry.storedAt >= this.options.ttlMs) {
      this.entries.delete(sessionId);
      return null;
    }
    return entry;
  }

  ticket(): CacheTicket {
    return { generation: this.generation, epoch: this.options.listeningEpoch() };
  }

  /** Keeps what was read under `ticket`, unless something was forgotten or the listener blinked since. */
  store(ticket: CacheTicket, sessionId: string, record: SessionRecord): void {
    if (this.options.ttlMs <= 0 || ticket.epoch === null) return;
    if (ticket.generation !== this.generation || ticket.epoch !== this.options.listeningEpoch()) return;
    this.entries.delete(sessionId);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(sessionId, { ...record, storedAt: this.now(), epoch: ticket.epoch });
  }

  forgetSession(sessionId: string): void {
    this.generation += 1;
    this.entries.delete(sessionId);
  }

  forgetUser(userId: string): void {
    this.generation += 1;
    for (const [sessionId, entry] of this.entries) {
      if (entry.session.user.id === userId) this.entries.delete(sessionId);
    }
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
