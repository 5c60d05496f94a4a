import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "@/test/support/secret-rotation";
import { envAssignment, envValueOf, withEnvValue, writeEnvValue } from "./env-file";

describe("env files", () => {
  it("reads bare, quoted and exported values; the last assignment wins", () => {
    expect(envValueOf("A=1\nKEY=plain\n", "KEY")).toBe("plain");
    expect(envValueOf("KEY='a#b $c'\n", "KEY")).toBe("a#b $c");
    expect(envValueOf('export KEY="x\\"y"\n', "KEY")).toBe('x"y');
    expect(envValueOf("KEY=one # old\nKEY=two\n", "KEY")).toBe("two");
    expect(envValueOf("KEYS=other\n", "KEY")).toBeNull();
    expect(envValueOf(null, "KEY")).toBeNull();
  });

  it("replaces the variable's line in place and keeps every other line", () => {
    const before = "# service\nPORT=8080\nexport KEY=old\nKEY=older\nLOG=info";
    expect(withEnvValue(before, "KEY", "new-value")).toBe("# service\nPORT=8080\nexport KEY=new-value\nLOG=info\n");
    expect(withEnvValue("PORT=1\n", "KEY", "v")).toBe("PORT=1\nKEY=v\n");
    expect(withEnvValue(null, "KEY", "v")).toBe("KEY=v\n");
  });

  it("quotes values a reader would otherwise change, and refuses what cannot be written safely", () => {
    expect(envAssignment("K", "abc-_.=+/:@")).toBe("K=abc-_.=+/:@");
    expect(envAssignment("K", "a#b$c d")).toBe("K='a#b$c d'");
    for (const value of ["a#b$c d", "x!{}|~", "plain"])
      expect(envValueOf(withEnvValue("", "K", value), "K")).toBe(value);
    expect(() => envAssignment("K", "it's")).toThrow(/cannot be written safely/);
  });

  it("writes atomically with mode 0600, and not at all when the file already holds the value", () => {
    const file = path.join(scratchDir("env"), ".env");
    writeFileSync(file, "PORT=1\nKEY=old\n", { mode: 0o644 });
    expect(writeEnvValue(file, "KEY", "new")).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("PORT=1\nKEY=new\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const inode = statSync(file).ino;
    expect(writeEnvValue(file, "KEY", "new")).toBe(false);
    expect(statSync(file).ino).toBe(inode);
  });
});
