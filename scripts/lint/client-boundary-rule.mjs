import path from "node:path";

/**
 * ESLint rule: code the browser loads ("use client" files, and lib/, which both sides share)
 * must not import server/ or db/ at run time. Type-only imports are erased and allowed.
 * test/architecture/client-boundary.test.ts checks the same boundary transitively.
 */
const SERVER_SIDE = /^@\/(server|db)(\/|$)/;
const ALLOWED = new Set(["@/server/routers/_app"]);

function isClientCode(context, program) {
  const relative = path.relative(context.cwd, context.filename).split(path.sep).join("/");
  if (relative.startsWith("lib/")) return true;
  return program.body.some((node) => node.type === "ExpressionStatement" && node.directive === "use client");
}

function reachesServer(source, filename, cwd) {
  if (ALLOWED.has(source)) return false;
  if (SERVER_SIDE.test(source)) return true;
  if (!source.startsWith(".")) return false;
  const target = path
    .relative(cwd, path.resolve(path.dirname(filename), source))
    .split(path.sep)
    .join("/");
  return /^(server|db)(\/|$)/.test(target);
}

function typeOnly(node) {
  if (node.importKind === "type" || node.exportKind === "type") return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
}

export const clientBoundaryRule = {
  meta: {
    type: "problem",
    messages: { serverImport: "Browser code must not import {{source}}: move what it needs to lib/." },
    schema: [],
  },
  create(context) {
    let client = false;
    const check = (node, sourceNode) => {
      if (!client || !sourceNode || typeof sourceNode.value !== "string") return;
      if (typeOnly(node)) return;
      if (reachesServer(sourceNode.value, context.filename, context.cwd)) {
        context.report({ node: sourceNode, messageId: "serverImport", data: { source: sourceNode.value } });
      }
    };
    return {
      Program(program) {
        client = isClientCode(context, program);
      },
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};
