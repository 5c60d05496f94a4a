"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState } from "react";
import { useTRPCClient } from "@/lib/trpc/client";

type Line = { lineNo: number; stream: "stdout" | "stderr" | "info"; text: string };

const PAGE = 2000;

/**
 * A step attempt's output, already redacted by the server. Only the visible lines are in the DOM,
 * so 100,000 lines scroll smoothly; new lines are fetched when the live stream says they exist,
 * and the view follows the end unless the reader scrolled up.
 */
export function OutputViewer({
  runId,
  stepId,
  attempt,
  tick,
  live,
}: {
  runId: string;
  stepId: string;
  attempt: number;
  tick: number;
  live: boolean;
}) {
  const client = useTRPCClient();
  const [lines, setLines] = useState<Line[]>([]);
  const [mounted, setMounted] = useState(false);
  const [following, setFollowing] = useState(true);
  const lastLineNo = useRef(0);
  const fetching = useRef(false);
  const again = useRef(false);
  const parentRef = useRef<HTMLDivElement>(null);

  useEffect(() => setMounted(true), []);

  useEffect(() => {
    setLines([]);
    lastLineNo.current = 0;
  }, [runId, stepId, attempt]);

  useEffect(() => {
    // A tick during a fetch is not lost: the running fetch goes round once more.
    if (fetching.current) {
      again.current = true;
      return;
    }
    fetching.current = true;
    void (async () => {
      try {
        do {
          again.current = false;
          for (;;) {
            const page = await client.runs.output.query({
              runId,
              stepId,
              attempt,
              after: lastLineNo.current,
              limit: PAGE,
            });
            if (page.length === 0) break;
            lastLineNo.current = page[page.length - 1]!.lineNo;
            setLines((existing) => existing.concat(page));
            if (page.length < PAGE) break;
          }
        } while (again.current);
      } finally {
        fetching.current = false;
      }
    })();
  }, [client, runId, stepId, attempt, tick]);

  // eslint-disable-next-line react-hooks/incompatible-library -- Keel does not use the React Compiler; nothing here is auto-memoized
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 20,
    overscan: 30,
  });

  useEffect(() => {
    if (following && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: "end" });
  }, [following, lines.length, virtualizer]);

  if (!mounted) return null;
  if (lines.length === 0)
    return <p className="small muted">{live ? "No output yet." : "This step printed nothing."}</p>;
  return (
    <div className="output-panel">
      <div className="row small muted output-toolbar">
        <span data-testid="output-line-count">{lines.length.toLocaleString("en")} lines</span>
        {!following ? (
          <button className="button ghost small" type="button" onClick={() => setFollowing(true)}>
            Follow the end
          </button>
        ) : null}
      </div>
      <div
        ref={parentRef}
        className="output-scroll"
        data-verbatim
        role="log"
        aria-label="Step output"
        aria-live={live ? "polite" : "off"}
        onScroll={(event) => {
          const el = event.currentTarget;
          setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = lines[item.index]!;
            return (
              <div
                key={line.lineNo}
                className={`output-line ${line.stream}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              >
                <span className="output-no">{line.lineNo}</span>
                {line.text}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
