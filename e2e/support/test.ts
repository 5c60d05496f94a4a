import { test as base, expect, type Browser, type BrowserContext } from "@playwright/test";
import { copyProblems } from "../../test/support/copy-problems";

export { expect };

const BINDING = "__keelReportCopy";

/**
 * The copy a person reads on the page: the body's text without what is shown verbatim, a file or
 * recorded data (`pre`, `[data-verbatim]`: a runbook's YAML legitimately holds `{{inputs.x}}`).
 */
const READ_COPY = `() => {
  let text = document.body ? document.body.innerText : "";
  for (const element of document.querySelectorAll("pre, [data-verbatim]")) {
    const shown = element.innerText;
    if (shown) text = text.replace(shown, "");
  }
  return text;
}`;

/**
 * In every page of every browser context a journey opens, the text a person sees is sent here
 * whenever it settles after a change (a debounced MutationObserver), so a message shown only for
 * a moment is read too.
 */
const WATCH_TEXT = `(() => {
  const readCopy = ${READ_COPY};
  let timer;
  let last = "";
  const send = () => {
    timer = undefined;
    const text = readCopy();
    if (text === last || typeof window.${BINDING} !== "function") return;
    last = text;
    window.${BINDING}(text).catch(() => {});
  };
  const schedule = () => { if (timer === undefined) timer = setTimeout(send, 250); };
  new MutationObserver(schedule).observe(document, { subtree: true, childList: true, characterData: true });
  addEventListener("DOMContentLoaded", schedule);
  window.__keelSendCopy = send;
})();`;

type Findings = Map<string, string>;

async function watchContext(context: BrowserContext, findings: Findings, watched: WeakSet<BrowserContext>) {
  if (watched.has(context)) return;
  watched.add(context);
  await context.exposeBinding(BINDING, ({ page }, text: string) => {
    for (const problem of copyProblems(text)) if (!findings.has(problem)) findings.set(problem, page.url());
  });
  await context.addInitScript({ content: WATCH_TEXT });
}

/** A last reading of every page still open when the journey ends. */
async function readOpenPages(browser: Browser, findings: Findings) {
  for (const context of browser.contexts())
    for (const page of context.pages()) {
      const text = await page.evaluate(() => document.body?.innerText ?? "").catch(() => "");
      for (const problem of copyProblems(text)) if (!findings.has(problem)) findings.set(problem, page.url());
    }
}

/**
 * Playwright's `test` with the console's language check (test/support/copy-problems.ts) on every
 * page each journey shows: no raw `{{`, no doubled full stop, no "a" before a vowel-initial word.
 * Every journey imports `test` and `expect` from here.
 */
export const test = base.extend<{
  copyFindings: { findings: Findings; watched: WeakSet<BrowserContext> };
  copyCheck: void;
}>({
  copyFindings: async ({}, provide) => {
    await provide({ findings: new Map(), watched: new WeakSet() });
  },
  // The journey's own context is watched before its first page opens.
  context: async ({ context, copyFindings }, provide) => {
    await watchContext(context, copyFindings.findings, copyFindings.watched);
    await provide(context);
  },
  copyCheck: [
    async ({ browser, copyFindings }, use) => {
      const { findings, watched } = copyFindings;
      const pending: Promise<void>[] = [];
      const onContext = (context: BrowserContext) => void pending.push(watchContext(context, findings, watched));
      browser.on("context", onContext);
      await use();
      browser.off("context", onContext);
      await Promise.allSettled(pending);
      await readOpenPages(browser, findings);
      const report = [...findings].map(([problem, url]) => `${problem} on ${url}`);
      expect(report, "the language check of the console's copy").toEqual([]);
    },
    { auto: true },
  ],
});
