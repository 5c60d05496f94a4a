import type { PGlite } from "@electric-sql/pglite";

export type NotificationCallback = (channel: string, payload: string | undefined) => void;

/**
 * LISTENs on the embedded database's one session. PGlite runs in this process, so every NOTIFY
 * the app sends arrives here, at commit, with nothing to reconnect. Returns the way to stop.
 */
export async function listenOnPglite(
  client: PGlite,
  channels: readonly string[],
  onNotification: NotificationCallback,
): Promise<() => Promise<void>> {
  const unlisteners: Array<() => Promise<void>> = [];
  try {
    for (const channel of channels) {
      unlisteners.push(await client.listen(channel, (payload) => onNotification(channel, payload)));
    }
  } catch (error) {
    await unlistenAll(unlisteners);
    throw error;
  }
  return () => unlistenAll(unlisteners);
}

async function unlistenAll(unlisteners: ReadonlyArray<() => Promise<void>>): Promise<void> {
  // A closed database has stopped listening already.
  await Promise.allSettled(unlisteners.map((unlisten) => unlisten()));
}
