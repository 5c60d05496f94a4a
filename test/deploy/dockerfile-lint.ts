import { validate, ValidationSeverity } from "dockerfile-utils";

/**
 * Lints a Dockerfile without Docker: dockerfile-utils (the validator behind the Docker language
 * server; pure JavaScript, no install script) for syntax and instruction errors, every warning
 * included, plus the hadolint rules Keel's image depends on, by their hadolint numbers. Hadolint
 * itself is neither in Debian nor on the npm registry without a download at install time.
 */
export function lintDockerfile(text: string): string[] {
  const strict = {
    deprecatedMaintainer: ValidationSeverity.ERROR,
    instructionCasing: ValidationSeverity.ERROR,
    instructionCmdMultiple: ValidationSeverity.ERROR,
    instructionEntrypointMultiple: ValidationSeverity.ERROR,
    instructionHealthcheckMultiple: ValidationSeverity.ERROR,
    instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
    instructionWorkdirRelative: ValidationSeverity.ERROR,
    emptyContinuationLine: ValidationSeverity.ERROR,
    directiveCasing: ValidationSeverity.ERROR,
  };
  const problems = validate(text, strict).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  return [...problems, ...ruleProblems(instructions(text))];
}

type Instruction = { line: number; keyword: string; args: string };

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: Instruction | null = null;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#") || (!pending && !line)) return;
    const continued = line.endsWith("\\");
    const body = continued ? line.slice(0, -1) : line;
    if (pending) pending.args += ` ${body}`;
    else {
      const [keyword = "", ...rest] = body.split(/\s+/);
      pending = { line: index + 1, keyword: keyword.toUpperCase(), args: rest.join(" ") };
    }
    if (!continued) {
      result.push(pending);
      pending = null;
    }
  });
  return result;
}

function ruleProblems(all: Instruction[]): string[] {
  const problems: string[] = [];
  const say = (at: Instruction, rule: string, message: string) => problems.push(`line ${at.line}: ${rule} ${message}`);
  const stageNames = new Set<string>();
  let finalStage: Instruction[] = [];
  for (const at of all) {
    if (at.keyword === "FROM") {
      const [image = "", as, name] = at.args.split(/\s+/);
      if (!stageNames.has(image)) {
        if (!/:[^/]+$/.test(image) && !image.includes("@"))
          say(at, "DL3006", `always tag the image explicitly (${image})`);
        if (image.endsWith(":latest")) say(at, "DL3007", `do not use the latest tag (${image})`);
      }
      if (as?.toUpperCase() === "AS" && name) stageNames.add(name);
      finalStage = [];
    }
    finalStage.push(at);
    if (at.keyword === "ADD") say(at, "DL3020", "use COPY instead of ADD for files and folders");
    if (at.keyword === "RUN") {
      if (/\bapt-get\s+install\b/.test(at.args)) {
        if (!/--no-install-recommends/.test(at.args))
          say(at, "DL3015", "avoid additional packages: apt-get install --no-install-recommends");
        if (!/\s-y\b|--yes\b|--assume-yes\b/.test(at.args)) say(at, "DL3014", "use the -y switch with apt-get install");
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(at.args))
          say(at, "DL3009", "delete the apt-get lists after installing something");
      }
      if (/\bnpm\s+(install|i)\b/.test(at.args)) say(at, "DL3016", "install from the lock with npm ci");
      if (/\bsudo\b/.test(at.args)) say(at, "DL3004", "do not use sudo");
    }
    if ((at.keyword === "CMD" || at.keyword === "ENTRYPOINT") && !at.args.startsWith("["))
      say(at, "DL3025", `use the JSON form for ${at.keyword}`);
  }
  const users = finalStage.filter((at) => at.keyword === "USER");
  const lastUser = users.at(-1)?.args.split(":")[0];
  if (!lastUser || lastUser === "root" || lastUser === "0")
    say(
      users.at(-1) ?? finalStage[0] ?? { line: 1, keyword: "", args: "" },
      "DL3002",
      "the final stage must switch to a non-root USER",
    );
  if (!finalStage.some((at) => at.keyword === "HEALTHCHECK")) problems.push("the final stage has no HEALTHCHECK");
  return problems;
}
