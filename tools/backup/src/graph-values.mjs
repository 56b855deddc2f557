// Neo4j property values as JSON and back, without losing their types: an Integer stays an Integer
// (JSON numbers would come back as Float), temporal and spatial values keep every component.
import neo4j from 'neo4j-driver';

const { DateTime, Date: Neo4jDate, LocalDateTime, LocalTime, Time, Duration, Point } = neo4j.types;

/**
 * Constructor and argument order of each structured type (as the driver's constructors take them).
 * @type {Record<string, [new (...args: any[]) => object, string[]]>}
 */
const STRUCTS = {
  Date: [Neo4jDate, ['year', 'month', 'day']],
  DateTime: [DateTime, ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond', 'timeZoneOffsetSeconds', 'timeZoneId']],
  LocalDateTime: [LocalDateTime, ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond']],
  LocalTime: [LocalTime, ['hour', 'minute', 'second', 'nanosecond']],
  Time: [Time, ['hour', 'minute', 'second', 'nanosecond', 'timeZoneOffsetSeconds']],
  Duration: [Duration, ['months', 'days', 'seconds', 'nanoseconds']],
  Point: [Point, ['srid', 'x', 'y', 'z']],
};

/**
 * A JSON-safe form of one property value: `{ $int: "…" }` for an Integer, `{ $neo4j: type, v: [...] }`
 * for a temporal/spatial value; lists element-wise; everything else as is.
 * @param {unknown} value
 * @returns {unknown}
 */
export function encodeValue(value) {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) return { $int: value.toString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'number' && !Number.isFinite(value)) return { $float: String(value) };
  if (typeof value === 'object') {
    for (const [name, [ctor, fields]] of Object.entries(STRUCTS)) {
      if (value instanceof ctor) return { $neo4j: name, v: fields.map((f) => encodeValue(/** @type {Record<string, unknown>} */ (value)[f] ?? null)) };
    }
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    throw new Error(`cannot back up a Neo4j property value of type ${value.constructor?.name ?? typeof value}`);
  }
  return value;
}

/**
 * The driver value of an {@link encodeValue} form.
 * @param {unknown} value
 * @returns {unknown}
 */
export function decodeValue(value) {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value === 'object') {
    const tagged = /** @type {Record<string, unknown>} */ (value);
    if (typeof tagged['$int'] === 'string') return neo4j.int(tagged['$int']);
    if (typeof tagged['$float'] === 'string') return Number(tagged['$float']);
    if (typeof tagged['$bytes'] === 'string') return Buffer.from(tagged['$bytes'], 'base64');
    const struct = typeof tagged['$neo4j'] === 'string' ? STRUCTS[tagged['$neo4j']] : undefined;
    if (struct && Array.isArray(tagged['v'])) {
      const [ctor, fields] = struct;
      const args = tagged['v'].map(decodeValue);
      if (args.length !== fields.length) throw new Error(`a ${tagged['$neo4j']} value needs ${fields.length} components, got ${args.length}`);
      return new ctor(...args.map((a) => a ?? undefined));
    }
    throw new Error(`not a backed-up Neo4j value: ${JSON.stringify(value).slice(0, 200)}`);
  }
  return value;
}

/**
 * @param {Record<string, unknown>} properties
 * @param {(v: unknown) => unknown} map
 */
export function mapProperties(properties, map) {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, map(v)]));
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * A label or relationship type quoted for Cypher (restore builds `CREATE (n:`A`:`B`)` per label set:
 * Cypher takes no parameters there). Only plain names: a backup is data, never Cypher.
 * @param {string} name
 */
export function cypherName(name) {
  if (!NAME.test(name)) throw new Error(`refusing the label/type "${name.slice(0, 64)}": expected ${NAME}`);
  return `\`${name}\``;
}
