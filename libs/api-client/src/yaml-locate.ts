import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export interface SourcePosition {
  /** 1-based line of the node (or of the deepest existing parent when the path names a missing field). */
  line: number;
  /** 1-based column. */
  column: number;
  /** True when the path's last segments do not exist in the source and the position is their parent's. */
  approximate: boolean;
}

/** RFC 6901 JSON Pointer → its segments (`~1` → `/`, `~0` → `~`). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Where a field named by a JSON Pointer (the `path` of an API error or of a validation problem)
 * sits in a YAML source: the line the CLI prints and the console marks. A path into a field that
 * is missing points at the nearest parent that exists (`approximate`). Undefined when the source
 * does not parse as YAML. Cost: one parse, linear in the source.
 */
export function locateYamlPath(source: string, pointer: string): SourcePosition | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0 && !doc.contents) return undefined;
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let approximate = false;
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === segment);
      if (!pair) {
        approximate = true;
        break;
      }
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
      keyNode = undefined;
      node = node.items[Number(segment)];
    } else {
      approximate = true;
      break;
    }
  }
  // A field is shown at its key (`model: …`), an array item at the item itself.
  const target = (keyNode ?? node) as Node | null | undefined;
  const offset = target?.range?.[0] ?? (node as Node | null | undefined)?.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col, approximate };
}
