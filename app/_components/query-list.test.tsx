import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { QueryList } from "./query-list";

const idle = { isPending: false, isError: false, error: null };

function render(query: Parameters<typeof QueryList<string[], string>>[0]["query"]) {
  return renderToStaticMarkup(
    <QueryList query={query} items={(data) => data} empty="No tokens yet." loading="Reading tokens…">
      {(items) => (
        <ul aria-label="Tokens">
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </QueryList>,
  );
}

describe("QueryList", () => {
  it("says it is loading while the query is in flight, and draws no list", () => {
    const html = render({ ...idle, isPending: true, data: undefined });
    expect(html).toContain("Reading tokens…");
    expect(html).not.toContain("<ul");
  });

  it("shows why the query failed, in words, with the request id", () => {
    const failure = { message: "You may not list tokens.", data: { code: "FORBIDDEN", requestId: "req-42" } };
    const html = render({
      ...idle,
      isError: true,
      error: Object.assign(new Error(failure.message), failure),
      data: undefined,
    });
    expect(html).toContain("You may not list tokens.");
    expect(html).toContain("req-42");
  });

  it("says the list is empty instead of drawing an empty table", () => {
    const html = render({ ...idle, data: [] });
    expect(html).toContain("No tokens yet.");
    expect(html).not.toContain("<ul");
  });

  it("draws the list when there is something in it", () => {
    expect(render({ ...idle, data: ["ci", "deploy"] })).toBe('<ul aria-label="Tokens"><li>ci</li><li>deploy</li></ul>');
  });
});
