import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/**
 * Reads a plain SQL dump (pg_dump's output, or pg_restore's with `-f -`) without running it: which
 * tables it creates, how many rows it holds per table (INSERT statements or COPY data lines), and
 * whether it ends cleanly (every string, comment and COPY block closed). Fed line by line, so
 * a large dump streams through it (no token of SQL spans a line break, so none is cut). Quotes, dollar quotes and comments are followed so that a row
 * whose text looks like SQL is not mistaken for a statement.
 */

type State = "normal" | "quote" | "escapeQuote" | "identifier" | "dollar" | "lineComment" | "blockComment" | "copyData";

export type DumpContents = {
  /** "public.customers", for every CREATE TABLE. */
  createdTables: string[];
  /** Rows per table: one per INSERT statement, or per COPY data line. */
  rowCounts: Record<string, number>;
  statements: number;
  /** Ended outside any string, comment or COPY block, with its last statement terminated. */
  complete: boolean;
};

const HEAD_LIMIT = 400;
const NAME = String.raw`((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)`;
const CREATE_TABLE = new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i");
const INSERT_INTO = new RegExp(String.raw`^INSERT\s+INTO\s+${NAME}`, "i");
const COPY_FROM_STDIN = new RegExp(String.raw`^COPY\s+${NAME}[^;]*\sFROM\s+stdin`, "i");

export class SqlDumpScanner {
  private state: State = "normal";
  private head = "";
  private statementHasContent = false;
  private dollarTag = "";
  private blockDepth = 0;
  private copyTable = "";
  private copyLine = "";
  private pendingAfterCopyStatement = false;
  private prev = "";
  private readonly created = new Set<string>();
  private readonly rows = new Map<string, number>();
  private statements = 0;

  /** One line of the dump, without its line break. */
  feedLine(line: string): void {
    // psql meta-commands (pg_dump writes \restrict and \unrestrict around a dump) are not SQL.
    if (
      this.state === "normal" &&
      !this.statementHasContent &&
      !this.pendingAfterCopyStatement &&
      line.startsWith("\\")
    )
      return;
    const text = `${line}\n`;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.state === "copyData") {
        if (c === "\n") this.endCopyLine();
        else this.copyLine += c;
        continue;
      }
      if (this.pendingAfterCopyStatement) {
        // COPY data starts on the line after the statement.
        if (c === "\n") {
          this.pendingAfterCopyStatement = false;
          this.state = "copyData";
        }
        continue;
      }
      const next = text[i + 1];
      switch (this.state) {
        case "normal":
          if (c === "-" && next === "-") {
            this.state = "lineComment";
            i++;
          } else if (c === "/" && next === "*") {
            this.state = "blockComment";
            this.blockDepth = 1;
            i++;
          } else if (c === "'") {
            this.state =
              (this.prev === "E" || this.prev === "e") && this.headEndsWithEscapePrefix() ? "escapeQuote" : "quote";
            this.append(c);
          } else if (c === '"') {
            this.state = "identifier";
            this.append(c);
          } else if (c === "$" && !/[A-Za-z0-9_]/.test(this.prev)) {
            const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66));
            if (match) {
              this.state = "dollar";
              this.dollarTag = match[0];
              this.append(match[0]);
              i += match[0].length - 1;
            } else this.append(c);
          } else if (c === ";") {
            this.endStatement();
          } else {
            this.append(c);
          }
          break;
        case "quote":
          this.append(c);
          if (c === "'") {
            if (next === "'") {
              this.append(next);
              i++;
            } else this.state = "normal";
          }
          break;
        case "escapeQuote":
          this.append(c);
          if (c === "\\") {
            if (next !== undefined) this.append(next);
            i++;
          } else if (c === "'") {
            if (next === "'") {
              this.append(next);
              i++;
            } else this.state = "normal";
          }
          break;
        case "identifier":
          this.append(c);
          if (c === '"') {
            if (next === '"') {
              this.append(next);
              i++;
            } else this.state = "normal";
          }
          break;
        case "dollar":
          if (c === "$" && text.startsWith(this.dollarTag, i)) {
            this.append(this.dollarTag);
            i += this.dollarTag.length - 1;
            this.state = "normal";
          } else this.append(c);
          break;
        case "lineComment":
          if (c === "\n") {
            this.state = "normal";
            this.append(" ");
          }
          break;
        case "blockComment":
          if (c === "*" && next === "/") {
            this.blockDepth--;
            i++;
            if (this.blockDepth === 0) {
              this.state = "normal";
              this.append(" ");
            }
          } else if (c === "/" && next === "*") {
            this.blockDepth++;
            i++;
          }
          break;
      }
      this.prev = c;
    }
  }

  finish(): DumpContents {
    const complete =
      (this.state === "normal" || this.state === "lineComment") &&
      !this.statementHasContent &&
      !this.pendingAfterCopyStatement;
    return {
      createdTables: [...this.created].sort(),
      rowCounts: Object.fromEntries([...this.rows].sort(([a], [b]) => a.localeCompare(b))),
      statements: this.statements,
      complete,
    };
  }

  private headEndsWithEscapePrefix(): boolean {
    // E'...' only when the E starts a token (not the end of a name such as "some").
    const before = this.head.slice(-2, -1);
    return before === "" || !/[A-Za-z0-9_]/.test(before);
  }

  private append(text: string): void {
    if (!this.statementHasContent && /^\s+$/.test(text)) return;
    this.statementHasContent = true;
    if (this.head.length < HEAD_LIMIT) this.head += text;
  }

  private endStatement(): void {
    const head = this.head.replace(/\s+/g, " ").trim();
    this.head = "";
    this.statementHasContent = false;
    if (!head) return;
    this.statements++;
    let match = CREATE_TABLE.exec(head);
    if (match) {
      this.created.add(normaliseTableName(match[1]!));
      return;
    }
    match = INSERT_INTO.exec(head);
    if (match) {
      this.count(normaliseTableName(match[1]!), 1);
      return;
    }
    match = COPY_FROM_STDIN.exec(head);
    if (match) {
      this.copyTable = normaliseTableName(match[1]!);
      this.count(this.copyTable, 0);
      this.pendingAfterCopyStatement = true;
    }
  }

  private endCopyLine(): void {
    const line = this.copyLine;
    this.copyLine = "";
    if (line === "\\.") {
      this.state = "normal";
      this.prev = "\n";
      return;
    }
    this.count(this.copyTable, 1);
  }

  private count(table: string, n: number): void {
    this.rows.set(table, (this.rows.get(table) ?? 0) + n);
  }
}

/** `"Sales"."Orders"` → "Sales.Orders", `orders` → "public.orders" (unquoted names fold to lower case). */
export function normaliseTableName(raw: string): string {
  const parts = raw.match(/"(?:[^"]|"")+"|[^.]+/g) ?? [raw];
  const names = parts.map((p) => (p.startsWith('"') ? p.slice(1, -1).replaceAll('""', '"') : p.toLowerCase()));
  return names.length === 1 ? `public.${names[0]}` : `${names[0]}.${names[1]}`;
}

export function scanSqlDump(text: string): DumpContents {
  const scanner = new SqlDumpScanner();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const line of lines) scanner.feedLine(line);
  return scanner.finish();
}

/** Scans a dump file line by line without reading it whole. */
export async function scanSqlDumpFile(file: string): Promise<DumpContents> {
  const scanner = new SqlDumpScanner();
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of lines) scanner.feedLine(line);
  return scanner.finish();
}
