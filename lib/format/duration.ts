/** "45 s", "3 min 20 s", "2 h 5 min": a duration in seconds for tables and charts. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 >= 1 ? ` ${Math.round(seconds % 60)} s` : ""}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
  return `${Math.round(hours / 24)} d`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 100)}%`;
}

/** "45 s", "2.3 min", "1.5 h": a chart axis label, one unit and at most one decimal, so it stays short. */
export function formatAxisSeconds(seconds: number): string {
  const one = (value: number, unit: string) => `${Number(value.toFixed(value < 10 ? 1 : 0))} ${unit}`;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return one(seconds, "s");
  if (seconds < 3600) return one(seconds / 60, "min");
  if (seconds < 48 * 3600) return one(seconds / 3600, "h");
  return one(seconds / 86_400, "d");
}
