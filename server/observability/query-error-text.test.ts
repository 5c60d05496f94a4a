import { describe, expect, it } from "vitest";
import { describeDatabaseError, messageWithoutValues, scrubQueryText, statementLabel } from "./query-error-text";
import { redactSensitive } from "./redact";

function queryError(query: string, params: unknown[], cause?: Error): Error {
  // The shape of drizzle's DrizzleQueryError.
  return Object.assign(new Error(`Failed query: ${query}\nparams: ${params.join(",")}`, { cause }), { query, params });
}

function pgError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code, severity: "ERROR", detail: "Key (email)=(x@y) already exists." });
}

describe("query error text", () => {
  it("labels a statement by its verb and first table", () => {
    expect(statementLabel('insert into "users" ("id", "name") values ($1, $2)')).toBe("insert users");
    expect(statementLabel('select "id" from "public"."audit_events" where "seq" < $1')).toBe("select audit_events");
    expect(statementLabel('update "runs" set "status" = $1')).toBe("update runs");
    expect(statementLabel("with x as (select 1) select * from x")).toBe("with x");
    expect(statementLabel("vacuum")).toBe("vacuum");
  });

  it("cuts a driver message before its first value", () => {
    expect(messageWithoutValues('invalid input syntax for type uuid: "keel_pat_abc"')).toBe(
      "invalid input syntax for type uuid",
    );
    expect(messageWithoutValues('invalid byte sequence for encoding "UTF8": 0x00')).toBe(
      'invalid byte sequence for encoding "UTF8"',
    );
    expect(messageWithoutValues('duplicate key value violates unique constraint "users_email_unique"')).toBe(
      'duplicate key value violates unique constraint "users_email_unique"',
    );
  });

  it("describes a failed query by statement and code, without its text or parameters", () => {
    const error = queryError(
      'insert into "users" ("password_hash") values ($1)',
      ["scrypt$15$8$1$SALT$HASH"],
      pgError('duplicate key value violates unique constraint "users_email_unique"', "23505"),
    );
    const described = describeDatabaseError(error)!;
    expect(described).toMatchObject({
      type: "DatabaseQueryError",
      code: "23505",
      statement: "insert users",
      message: 'Query failed (insert users): duplicate key value violates unique constraint "users_email_unique"',
    });
    expect(JSON.stringify(redactSensitive({ err: error, nested: [{ error }] }))).not.toMatch(
      /scrypt|values \(|Key \(email\)/,
    );
  });

  it("scrubs failed-query text wherever it appears in a string", () => {
    expect(scrubQueryText("request failed: Failed query: select $1\nparams: hunter2")).toBe(
      "request failed: Failed query (statement and parameters withheld from logs)",
    );
    expect(scrubQueryText("nothing to see")).toBe("nothing to see");
    expect(redactSensitive({ msg: "x Failed query: select 1\nparams: secret" })).toEqual({
      msg: "x Failed query (statement and parameters withheld from logs)",
    });
  });

  it("leaves other errors alone", () => {
    expect(describeDatabaseError(new Error("plain"))).toBeNull();
    expect(describeDatabaseError(Object.assign(new Error("x"), { code: "ENOENT" }))).toBeNull();
  });
});
