import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintDockerfile } from "./dockerfile-lint";

describe("the Dockerfile", () => {
  it("passes the linter with no error and no warning", () => {
    expect(lintDockerfile(readFileSync("Dockerfile", "utf8"))).toEqual([]);
  });

  it("is linted by rules that fire: a root image on latest, apt without cleanup, a shell-form CMD, no healthcheck", () => {
    const bad = [
      "FROM node AS build",
      "FROM debian:latest",
      "ADD . /app",
      "RUN apt-get install git",
      "RUN npm install",
      "WORKDIR app",
      "EXPOSE abc",
      "CMD node server.js",
      "",
    ].join("\n");
    const problems = lintDockerfile(bad).join("\n");
    for (const expected of [
      "DL3006",
      "DL3007",
      "DL3020",
      "DL3015",
      "DL3014",
      "DL3009",
      "DL3016",
      "DL3025",
      "DL3002",
      "no HEALTHCHECK",
      "Invalid containerPort",
      "WORKDIR",
    ]) {
      expect(problems, expected).toContain(expected);
    }
  });
});
