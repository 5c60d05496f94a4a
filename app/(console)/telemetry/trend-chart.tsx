import { formatAxisSeconds, formatSeconds } from "@/lib/format/duration";

export type TrendPoint = {
  day: string;
  runs: number;
  succeeded: number;
  failing: number;
  cancelled: number;
  refused: number;
  active: number;
  p95Seconds: number | null;
};

const W = 720;
const H = 220;
// The right side holds the duration scale: room for its longest label ("53 min", "1.5 h") at 11px.
const PAD = { left: 36, right: 56, top: 12, bottom: 28 };

/**
 * Runs per day as stacked bars (succeeded, failed or interrupted, aborted, refused, still going) with the
 * p95 duration of successful runs as a line on its own scale. Plain SVG geometry: no style
 * attributes (the CSP forbids them); colours come from classes in globals.css.
 */
export function TrendChart({ points, label }: { points: TrendPoint[]; label: string }) {
  const maxRuns = Math.max(1, ...points.map((p) => p.runs));
  const durations = points.map((p) => p.p95Seconds).filter((v): v is number => v !== null);
  const maxDuration = Math.max(1, ...durations);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (runs: number) => (runs / maxRuns) * plotH;
  const line = points
    .map((p, i) =>
      p.p95Seconds === null
        ? null
        : `${(PAD.left + slot * i + slot / 2).toFixed(1)},${(PAD.top + plotH - (p.p95Seconds / maxDuration) * plotH).toFixed(1)}`,
    )
    .filter(Boolean)
    .join(" ");
  const labelEvery = Math.ceil(points.length / 8);
  const total = points.reduce((sum, p) => sum + p.runs, 0);
  return (
    <figure className="trend-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${label}: ${total} runs over ${points.length} days`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title>{label}</title>
        {[...new Set([0, 0.5, 1].map((f) => Math.round(f * maxRuns)))].map((tick) => {
          const f = tick / maxRuns;
          return (
            <g key={tick}>
              <line
                className="chart-grid"
                x1={PAD.left}
                x2={W - PAD.right}
                y1={PAD.top + plotH - f * plotH}
                y2={PAD.top + plotH - f * plotH}
              />
              <text className="chart-axis" x={PAD.left - 6} y={PAD.top + plotH - f * plotH + 4} textAnchor="end">
                {tick}
              </text>
            </g>
          );
        })}
        {durations.length > 0
          ? [0.5, 1].map((f) => (
              <text
                key={f}
                className="chart-axis"
                x={W - PAD.right + 6}
                y={PAD.top + plotH - f * plotH + 4}
                textAnchor="start"
              >
                {formatAxisSeconds(f * maxDuration)}
              </text>
            ))
          : null}
        {points.map((p, i) => {
          const x = PAD.left + slot * i + (slot - barW) / 2;
          let base = PAD.top + plotH;
          const segments: Array<[string, number]> = [
            ["bar-ok", p.succeeded],
            ["bar-fail", p.failing],
            ["bar-cancel", p.cancelled],
            ["bar-refused", p.refused],
            ["bar-active", p.active],
          ];
          return (
            <g key={p.day}>
              <title>{`${p.day}: ${p.runs} runs (${p.succeeded} succeeded, ${p.failing} failed or interrupted, ${p.cancelled} aborted, ${p.refused} refused, ${p.active} going)${p.p95Seconds !== null ? `, p95 ${formatSeconds(p.p95Seconds)}` : ""}`}</title>
              {segments.map(([cls, n]) => {
                if (n === 0) return null;
                const h = y(n);
                base -= h;
                return (
                  <rect
                    key={cls}
                    className={cls}
                    x={x.toFixed(1)}
                    y={base.toFixed(1)}
                    width={barW.toFixed(1)}
                    height={h.toFixed(1)}
                  />
                );
              })}
              {i % labelEvery === 0 ? (
                <text
                  className="chart-axis"
                  x={(PAD.left + slot * i + slot / 2).toFixed(1)}
                  y={H - 8}
                  textAnchor="middle"
                >
                  {p.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
        {line ? <polyline className="chart-line" points={line} /> : null}
      </svg>
      <figcaption className="chart-legend small">
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <rect className="bar-ok" width="10" height="10" />
          </svg>{" "}
          succeeded
        </span>
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <rect className="bar-fail" width="10" height="10" />
          </svg>{" "}
          failed or interrupted
        </span>
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <rect className="bar-cancel" width="10" height="10" />
          </svg>{" "}
          aborted
        </span>
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <rect className="bar-refused" width="10" height="10" />
          </svg>{" "}
          refused by an approver
        </span>
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <rect className="bar-active" width="10" height="10" />
          </svg>{" "}
          still going
        </span>
        <span className="legend-item">
          <svg width="16" height="10" aria-hidden="true">
            <line className="chart-line" x1="0" x2="16" y1="5" y2="5" />
          </svg>{" "}
          p95 duration of successful runs (right scale)
        </span>
      </figcaption>
    </figure>
  );
}
