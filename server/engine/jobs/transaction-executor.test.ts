import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { positionalToSql } from "./transaction-executor";

const dialect = new PgDialect();

describe("positionalToSql", () => {
  it("binds each $n to its value, a repeated one twice, in the order written", () => {
    const query = dialect.sqlToQuery(
      positionalToSql("select $2 as b, $1 as a where right($2, 1) = 'Z'", ["one", "twoZ"]),
    );
    expect(query.sql).toBe("select $1 as b, $2 as a where right($3, 1) = 'Z'");
    expect(query.params).toEqual(["twoZ", "one", "twoZ"]);
  });

  it("sends a plain object as JSON text and undefined as null", () => {
    const query = dialect.sqlToQuery(
      positionalToSql("insert into t values ($1::jsonb, $2, $3)", [{ runId: "r" }, undefined, new Date(0)]),
    );
    expect(query.params).toEqual(['{"runId":"r"}', null, new Date(0)]);
  });

  it("refuses a statement that refers to a value it was not given", () => {
    expect(() => positionalToSql("select $3", ["a"])).toThrow(
      "The statement refers to $3, but only 1 values were given.",
    );
  });

  it("keeps $10 apart from $1", () => {
    const values = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(dialect.sqlToQuery(positionalToSql("select $10, $1", values)).params).toEqual(["v10", "v1"]);
  });
});
