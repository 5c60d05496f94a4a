import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export type Position = { line: number; column: number };

/** Where things are in a runbook file, for problems that point at the exact line and column. */
export type SourcePositions = {
  /** The node at `path` (a field path as zod reports it), or its nearest ancestor that exists. */
  of(path: readonly PropertyKey[]): Position;
  /** The key `key` of the mapping at `path`: where an unknown key is written. */
  ofKey(path: readonly PropertyKey[], key: string): Position;
  /** A character offset, as YAML errors report them. */
  atOffset(offset: number): Position;
  /** The field path of the mapping key that starts at `offset` (for duplicate keys), or null. */
  keyPathAt(offset: number): (string | number)[] | null;
};

const FILE_START: Position = { line: 1, column: 1 };

export function sourcePositions(doc: Document, lineCounter: LineCounter): SourcePositions {
  const atOffset = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const startOf = (node: Node | null | undefined): number | null => node?.range?.[0] ?? null;

  /** Offset of the deepest node along `path`; a missing key stops at its parent mapping. */
  function offsetOf(path: readonly PropertyKey[], keyOfLast?: string): number | null {
    let node: unknown = doc.contents;
    let best = startOf(doc.contents as Node | null);
    const segments = keyOfLast === undefined ? path : [...path, keyOfLast];
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index]!;
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        best = startOf(pair.key as Node) ?? best;
        if (keyOfLast !== undefined && index === segments.length - 1) break;
        node = pair.value;
        // `title:` with nothing after it: the key is where the author looks, not the line's end.
        if (isEmptyScalar(node)) break;
        best = startOf(node as Node) ?? best;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined || isEmptyScalar(item)) break;
        node = item;
        best = startOf(item as Node) ?? best;
      } else {
        break;
      }
    }
    return best;
  }

  function keyPathAt(offset: number): (string | number)[] | null {
    const search = (node: unknown, path: (string | number)[]): (string | number)[] | null => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const key = isScalar(pair.key) ? String(pair.key.value) : "?";
          if (startOf(pair.key as Node) === offset) return [...path, key];
          const found = search(pair.value, [...path, key]);
          if (found) return found;
        }
      } else if (isSeq(node)) {
        for (const [index, item] of node.items.entries()) {
          const found = search(item, [...path, index]);
          if (found) return found;
        }
      }
      return null;
    };
    return search(doc.contents, []);
  }

  return {
    of: (path) => {
      const offset = offsetOf(path);
      return offset === null ? FILE_START : atOffset(offset);
    },
    ofKey: (path, key) => {
      const offset = offsetOf(path, key);
      return offset === null ? FILE_START : atOffset(offset);
    },
    atOffset,
    keyPathAt,
  };
}

function isEmptyScalar(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && node.value === null && node.source === "" && node.range?.[0] === node.range?.[1])
  );
}
