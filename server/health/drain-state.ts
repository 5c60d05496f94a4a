/**
 * Whether this process is draining (stopping on SIGTERM): kept on globalThis, so that Next.js's
 * bundle (the /api/readyz route) sees what the custom server set.
 */
const KEY = Symbol.for("keel.draining");
type GlobalWithDrain = typeof globalThis & { [KEY]?: boolean };

export function markDraining(): void {
  (globalThis as GlobalWithDrain)[KEY] = true;
}

export function isDraining(): boolean {
  return (globalThis as GlobalWithDrain)[KEY] === true;
}
