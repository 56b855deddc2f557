/**
 * A TypeScript type (source text) for the values a JSON Schema accepts, used to type-check tool
 * code against its `inputSchema`. Covers what tool inputs use: `type` (one or a list), objects
 * with `properties`/`required`/`additionalProperties`, arrays with `items`, `enum`, `const`,
 * primitives, `anyOf`/`oneOf`, `nullable`. Anything else is `unknown` — permissive on purpose: the
 * type must never reject a value the schema accepts (the worker validates the real input).
 */
export function schemaToType(schema: unknown, depth = 0): string {
  if (depth > 16 || schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema === false ? 'never' : 'unknown';
  const s = schema as Record<string, unknown>;

  if (Object.hasOwn(s, 'const')) return literal(s['const']);
  if (Array.isArray(s['enum'])) {
    const members = s['enum'].map(literal);
    return members.length > 0 ? union(members) : 'never';
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0 && s['type'] === undefined) return union(options.map((o) => schemaToType(o, depth + 1)));
  }

  const declared = s['type'];
  const types = typeof declared === 'string' ? [declared] : Array.isArray(declared) && declared.every((t) => typeof t === 'string') ? (declared as string[]) : [];
  if (types.length === 0) {
    // Untyped but shaped like an object or an array: type what is known.
    if (isObject(s['properties'])) return objectType(s, depth);
    if (s['items'] !== undefined) return arrayType(s, depth);
    return 'unknown';
  }
  const members = types.map((type) => {
    switch (type) {
      case 'string':
        return 'string';
      case 'number':
      case 'integer':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array':
        return arrayType(s, depth);
      case 'object':
        return objectType(s, depth);
      default:
        return 'unknown';
    }
  });
  if (s['nullable'] === true) members.push('null');
  return union(members);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function union(members: string[]): string {
  const unique = [...new Set(members)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 1 ? (unique[0] as string) : unique.map((m) => `(${m})`).join(' | ');
}

function literal(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return 'unknown';
}

function arrayType(s: Record<string, unknown>, depth: number): string {
  const items = s['items'];
  // Tuples (2020-12 prefixItems, draft-07 items: [...]): `items` then types only the rest, so the array is unknown[].
  if (Array.isArray(items) || Array.isArray(s['prefixItems'])) return 'unknown[]';
  return `Array<${items === undefined ? 'unknown' : schemaToType(items, depth + 1)}>`;
}

function objectType(s: Record<string, unknown>, depth: number): string {
  const properties = isObject(s['properties']) ? s['properties'] : {};
  const required = new Set(Array.isArray(s['required']) ? s['required'].filter((r): r is string => typeof r === 'string') : []);
  const members = Object.keys(properties)
    .sort()
    .map((key) => `${JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${schemaToType(properties[key], depth + 1)};`);
  // Required names without a property schema are still guaranteed to be there.
  for (const key of [...required].sort()) if (!Object.hasOwn(properties, key)) members.push(`${JSON.stringify(key)}: unknown;`);
  const extra = s['additionalProperties'];
  if (extra !== false) members.push(`[key: string]: ${isObject(extra) && Object.keys(properties).length === 0 ? schemaToType(extra, depth + 1) : 'unknown'};`);
  return `{ ${members.join(' ')} }`;
}
