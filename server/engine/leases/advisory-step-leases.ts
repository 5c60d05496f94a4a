import pg from "pg";
import { getLogger } from "../../observability/logger";
import { LeaseBusy, type StepLeases } from "./step-leases";

/** First key of every step lease ("keel" in ASCII); the second is hashtext(job key). Other advisory locks use one bigint key, so they never meet these. */
const NAMESPACE = 0x6b65656c;
const RECONNECT_EVERY_MS = 1000;

/**
 * Step leases as session-level advisory locks, all held on one connection of this process's own.
 * When the process dies, the operating system closes its socket and PostgreSQL releases the
 * locks at once; a blocked event loop changes nothing, since nothing needs to be sent to keep
 * them. The session asks PostgreSQL for TCP keepalives of a few seconds, so a host that vanishes
 * without closing its sockets loses its leases quickly too (the kernel answers keepalives, not
 * the event loop). Other instances read pg_locks to see which leases are held.
 */
export class AdvisoryStepLeases implements StepLeases {
  private readonly mine = new Set<string>();
  private client: Promise<pg.Client> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly target: { url: string },
    private readonly pool: pg.Pool,
  ) {}

  async hold(key: string): Promise<() => Promise<void>> {
    if (this.mine.has(key)) throw new LeaseBusy(key);
    this.mine.add(key);
    try {
      const client = await this.connection();
      const { rows } = await client.query<{ taken: boolean }>(
        "select pg_try_advisory_lock($1, hashtext($2)) as taken",
        [NAMESPACE, key],
      );
      if (!rows[0]?.taken) throw new LeaseBusy(key);
    } catch (error) {
      this.mine.delete(key);
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.mine.delete(key);
      const client = await this.client?.catch(() => null);
      await client
        ?.query("select pg_advisory_unlock($1, hashtext($2))", [NAMESPACE, key])
        .catch((error: unknown) =>
          getLogger().warn({ err: error }, "could not give a step lease back; it goes with the connection"),
        );
    };
  }

  async held(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.pool.query<{ key: string }>(
      `select k as key from unnest($1::text[]) as k
        where exists (select 1 from pg_locks l
                       where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                         and l.database = (select oid from pg_database where datname = current_database())
                         and l.classid = $2::int::oid and l.objid = hashtext(k)::oid)`,
      [keys, NAMESPACE],
    );
    return new Set(rows.map((row) => row.key));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearInterval(this.reconnectTimer);
    const client = await this.client?.catch(() => null);
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    this.client ??= this.connect();
    return this.client;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.target.url, keepAlive: true, connectionTimeoutMillis: 5000 });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      // Ignored on a Unix socket, where the peer's death is always seen at once.
      await client.query(
        "set tcp_keepalives_idle = 5; set tcp_keepalives_interval = 1; set tcp_keepalives_count = 3; set application_name = 'keel step leases'",
      );
    } catch (error) {
      this.client = null;
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** The connection went (database restart, network): its leases went with it. Take them again as soon as possible. */
  private lost(client: pg.Client): void {
    void this.client?.then(
      (current) => {
        if (current !== client || this.closed) return;
        this.client = null;
        if (this.mine.size > 0)
          getLogger().warn(
            { leases: this.mine.size },
            "the step lease connection was lost; taking the leases of the steps in flight again",
          );
        this.reconnectTimer ??= setInterval(() => void this.retake(), RECONNECT_EVERY_MS);
      },
      () => undefined,
    );
  }

  private async retake(): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.connection();
      for (const key of this.mine) {
        const { rows } = await client.query<{ taken: boolean }>(
          "select pg_try_advisory_lock($1, hashtext($2)) as taken",
          [NAMESPACE, key],
        );
        if (!rows[0]?.taken)
          getLogger().warn({ key }, "a step lease was taken by another worker while the connection was lost");
      }
      if (this.reconnectTimer) clearInterval(this.reconnectTimer);
      this.reconnectTimer = null;
    } catch (error) {
      getLogger().warn({ err: error }, "the step lease connection is still down");
    }
  }
}
