import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(import.meta.dirname, "../..");
const EXTENSIONS = [".ts", ".tsx", "/index.ts", "/index.tsx"];

/** The project file an import names ("./x", "../x", "@/x"), or null for a package. */
function resolveImport(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/")
    ? path.join(ROOT, specifier.slice(2))
    : specifier.startsWith(".")
      ? path.resolve(path.dirname(from), specifier)
      : null;
  if (!base) return null;
  if (existsSync(base) && /\.tsx?$/.test(base)) return base;
  const found = EXTENSIONS.map((ext) => base + ext).find((candidate) => existsSync(candidate));
  return found ?? null;
}

/** Whether an import or export statement survives compilation (`import type { X }` does not). */
function isRuntime(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return !node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return true;
  if (clause.isTypeOnly) return false;
  const bindings = clause.namedBindings;
  if (clause.name || !bindings || ts.isNamespaceImport(bindings)) return true;
  return bindings.elements.length === 0 || bindings.elements.some((element) => !element.isTypeOnly);
}

function runtimeImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !isRuntime(statement)) continue;
    const resolved = resolveImport(file, specifier.text);
    if (resolved) found.push(resolved);
  }
  return found;
}

/**
 * Every project file `entry` loads at run time, directly or through others (type-only imports
 * are erased, so they do not count), each with the chain of imports that reaches it.
 */
export function runtimeImportChains(entry: string): Map<string, string[]> {
  const start = path.resolve(ROOT, entry);
  const chains = new Map<string, string[]>([[start, [start]]]);
  const pending = [start];
  while (pending.length > 0) {
    const file = pending.shift()!;
    for (const imported of runtimeImportsOf(file)) {
      if (chains.has(imported)) continue;
      chains.set(imported, [...chains.get(file)!, imported]);
      pending.push(imported);
    }
  }
  return new Map([...chains].map(([file, chain]) => [relative(file), chain.map(relative)]));
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");
