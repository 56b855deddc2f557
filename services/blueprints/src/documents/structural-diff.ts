/** One difference between two documents: where (JSON Pointer) and the values on each side. */
export type DiffOperation =
  | { op: 'add'; path: string; to: unknown }
  | { op: 'remove'; path: string; from: unknown }
  | { op: 'replace'; path: string; from: unknown; to: unknown };

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys by which array items are matched, in order of preference (tools and evals by name, triggers by type). */
const IDENTITY_KEYS = ['name', 'type'] as const;

/**
 * Structural diff of two JSON documents (pure, deterministic).
 *
 * - Objects are compared key by key (keys in sorted order): `add`, `remove`, or recurse.
 * - Arrays whose items are all objects with a unique string `name` on both sides (tools,
 *   evals) — or else a unique string `type` (triggers) — are matched by that key, so inserting
 *   a tool reports one `add`, not a cascade of replacements. A removed item's path is its index
 *   in `from`, an added or changed item's path its index in `to`. A pure reordering of matched
 *   items is not reported (it changes no item).
 * - Other arrays are compared by position: common indices recurse, extra items are added, or
 *   removed from the highest index down.
 * - Anything else that differs (a scalar, or a change of kind) is one `replace`.
 */
export function structuralDiff(from: unknown, to: unknown): DiffOperation[] {
  const out: DiffOperation[] = [];
  diffAt(from, to, '', out);
  return out;
}

function diffAt(from: unknown, to: unknown, path: string, out: DiffOperation[]): void {
  if (jsonEqual(from, to)) return;
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) {
      const at = `${path}/${escape(key)}`;
      const inFrom = Object.hasOwn(from, key);
      const inTo = Object.hasOwn(to, key);
      if (inFrom && !inTo) out.push({ op: 'remove', path: at, from: from[key] });
      else if (!inFrom && inTo) out.push({ op: 'add', path: at, to: to[key] });
      else diffAt(from[key], to[key], at, out);
    }
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const identity = IDENTITY_KEYS.find((key) => identifiedBy(from, key) && identifiedBy(to, key));
    if (identity) diffMatched(from as Obj[], to as Obj[], identity, path, out);
    else diffPositional(from, to, path, out);
    return;
  }
  out.push({ op: 'replace', path, from, to });
}

function diffMatched(from: Obj[], to: Obj[], key: string, path: string, out: DiffOperation[]): void {
  const toIndex = new Map(to.map((item, index) => [item[key] as string, index]));
  const fromIndex = new Map(from.map((item, index) => [item[key] as string, index]));
  for (let i = from.length - 1; i >= 0; i--) {
    if (!toIndex.has(from[i]![key] as string)) out.push({ op: 'remove', path: `${path}/${i}`, from: from[i] });
  }
  to.forEach((item, index) => {
    const before = fromIndex.get(item[key] as string);
    if (before === undefined) out.push({ op: 'add', path: `${path}/${index}`, to: item });
    else diffAt(from[before], item, `${path}/${index}`, out);
  });
}

function diffPositional(from: unknown[], to: unknown[], path: string, out: DiffOperation[]): void {
  const common = Math.min(from.length, to.length);
  for (let i = 0; i < common; i++) diffAt(from[i], to[i], `${path}/${i}`, out);
  for (let i = common; i < to.length; i++) out.push({ op: 'add', path: `${path}/${i}`, to: to[i] });
  for (let i = from.length - 1; i >= common; i--) out.push({ op: 'remove', path: `${path}/${i}`, from: from[i] });
}

/** Every item an object with a string `key`, no two alike (an empty array qualifies). */
function identifiedBy(items: unknown[], key: string): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    if (!isObject(item) || typeof item[key] !== 'string') return false;
    if (seen.has(item[key])) return false;
    seen.add(item[key]);
  }
  return true;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
