import { describe, expect, it } from "vitest";
import { normaliseTableName, scanSqlDump } from "./sql-dump-scanner";

describe("reading a plain SQL dump", () => {
  it("finds created tables and counts INSERT rows, ignoring SQL inside strings, comments and function bodies", () => {
    const dump = [
      "-- a comment; INSERT INTO public.customers VALUES (1);",
      "SET standard_conforming_strings = on;",
      "CREATE TABLE public.customers (id integer, name text);",
      'CREATE TABLE "Sales"."Orders" (id integer);',
      "CREATE FUNCTION public.f() RETURNS void AS $body$ begin -- don't",
      "  insert into public.customers values (9); end $body$ LANGUAGE plpgsql;",
      "/* block /* nested */ INSERT INTO public.customers VALUES (8); */",
      "INSERT INTO public.customers VALUES (1, 'Ann; INSERT INTO public.customers VALUES (2, ''x'');');",
      "INSERT INTO public.customers VALUES (2, 'two",
      "INSERT INTO public.customers VALUES (3, ''line'')');",
      'INSERT INTO "Sales"."Orders" VALUES (1);',
    ].join("\n");
    const contents = scanSqlDump(dump);
    expect(contents.createdTables).toEqual(["Sales.Orders", "public.customers"]);
    expect(contents.rowCounts).toEqual({ "Sales.Orders": 1, "public.customers": 2 });
    expect(contents.complete).toBe(true);
  });

  it("counts COPY data lines until the end marker", () => {
    const contents = scanSqlDump(
      [
        "COPY public.orders (id, note) FROM stdin;",
        "1\ta;b",
        "2\t\\N",
        "\\.",
        "",
        "COPY public.empty (id) FROM stdin;",
        "\\.",
        "",
      ].join("\n"),
    );
    expect(contents.rowCounts).toEqual({ "public.empty": 0, "public.orders": 2 });
    expect(contents.complete).toBe(true);
  });

  it("calls a dump cut off mid-string or mid-statement incomplete", () => {
    expect(scanSqlDump("CREATE TABLE t (id int);\nINSERT INTO t VALUES ('unterminated").complete).toBe(false);
    expect(scanSqlDump("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1)").complete).toBe(false);
    expect(scanSqlDump("COPY public.t (id) FROM stdin;\n1\n").complete).toBe(false);
  });

  it("normalises table names as PostgreSQL folds them", () => {
    expect(normaliseTableName("Customers")).toBe("public.customers");
    expect(normaliseTableName('"Mixed"')).toBe("public.Mixed");
    expect(normaliseTableName('shop."Order ""x"""')).toBe('shop.Order "x"');
  });
});

describe("psql meta-commands in a dump", () => {
  it("are skipped, as pg_dump writes \\restrict and \\unrestrict around its output", () => {
    const contents = scanSqlDump(
      [
        "\\restrict abc",
        "CREATE TABLE public.t (id int);",
        "COPY public.t (id) FROM stdin;",
        "1",
        "\\.",
        "",
        "\\unrestrict abc",
        "",
      ].join("\n"),
    );
    expect(contents).toMatchObject({ createdTables: ["public.t"], rowCounts: { "public.t": 1 }, complete: true });
  });
});
