import fc from 'fast-check';
import { BUILTIN_NAMES } from '@af/blueprint-format';

/**
 * fast-check generators of near-valid blueprints and of the mutations authors (and attackers)
 * make to them. Shared by the validator's property tests and the fuzz test through the gateway.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { [key: string]: Json };

const identifier = fc.stringMatching(/^[a-z][a-z0-9]{0,7}(_[a-z0-9]{1,5})?$/);
/** Mostly the first (valid) choice, sometimes one of the others. */
const mostly = <T>(good: T, ...bad: T[]) => fc.oneof({ arbitrary: fc.constant(good), weight: 8 }, { arbitrary: fc.constantFrom(good, ...bad), weight: 2 });
const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/);
const scope = mostly('internal', 'external', 'realWorld');
const builtin = fc.constantFrom(...BUILTIN_NAMES);
const code = mostly(
  'export default function run(input: { message: string }) {\n  return { score: input.message.length };\n}\n',
  'export default async (i: { a?: number }) => ({ ok: (i.a ?? 0) > 1 });\n',
  'const x = ;\n',
  'export default function run(input) { return { n: input.n * 2 } }',
);
const userSchema = mostly<Json>(
  { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  { type: 'object', properties: { n: { type: 'integer', minimum: 0 } } },
  { type: 'strng' },
  { $ref: '#/$defs/missing' },
  true,
);

const tool = fc.record({
  name: identifier,
  description: fc.string({ maxLength: 30 }),
  scope,
  impl: fc.oneof(code.map((c) => ({ code: c })), builtin.map((b) => ({ builtin: b }))),
  inputSchema: fc.option(userSchema, { nil: undefined }),
});

const trigger = fc.oneof(
  fc.constant<Json>({ type: 'api' }),
  mostly('*/15 9-17 * * MON-FRI', '0 9 * * 1', '61 * * * *', '@daily').map((cron): Json => ({ type: 'schedule', cron, timezone: 'Europe/Berlin' })),
  mostly('crm.lead.created', 'crm.*', 'a..b').map((subject): Json => ({ type: 'event', subject })),
  fc.constant<Json>({ type: 'webhook', secret: 'crm-hook' }),
);

/** A blueprint that is valid or close to it: the shapes are right, some values may be wrong. */
export const nearValidBlueprint: fc.Arbitrary<Doc> = fc
  .record({
    name: dnsLabel,
    description: fc.string({ maxLength: 40 }),
    goal: fc.string({ minLength: 1, maxLength: 60 }),
    autonomy: mostly('supervised', 'restricted', 'semi_autonomous', 'autonomous'),
    access: mostly('team', 'self', 'organization', 'crossOrganization'),
    route: fc.array(mostly('offline/echo', 'openai/gpt-4o-mini', 'opneai/gpt-4o', 'anthropic/claude'), { minLength: 1, maxLength: 3 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    variables: fc.dictionary(identifier, fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    useVariable: fc.option(identifier, { nil: undefined, freq: 1 }),
    tools: fc.uniqueArray(tool, { maxLength: 10, selector: (t) => t.name }),
    triggers: fc.array(trigger, { maxLength: 4 }),
    maxAllowedScope: mostly('realWorld', 'external', 'internal'),
    approvals: fc.oneof({ arbitrary: fc.constant([]), weight: 8 }, { arbitrary: fc.array(identifier, { maxLength: 2 }), weight: 2 }),
    evalExpect: mostly<Json>({ qualified: true }, { qualified: 'yes' }, {}),
  })
  .map((r): Doc => ({
    apiVersion: 'agentfactory.io/v1',
    kind: 'AgentBlueprint',
    metadata: { name: r.name, description: r.description, labels: { team: 'sales' } },
    spec: {
      goal: r.goal,
      industryProfile: 'RealEstate',
      governance: { autonomyLevel: r.autonomy },
      triggers: r.triggers,
      context: { accessLevel: r.access, memory: { working: true, episodic: { lookback: '30d' }, semantic: { topK: 5 } } },
      model: { route: r.route, maxCostUsdPerRun: 0.5, temperature: r.temperature },
      prompt: {
        system: `You work for {{${r.useVariable ?? 'input.company'}}}.`,
        user: 'Lead: {{input.message}}',
        variables: r.variables,
      },
      tools: r.tools.map((t) => ({ name: t.name, description: t.description, scope: t.scope, ...t.impl, ...(t.inputSchema === undefined ? {} : { inputSchema: t.inputSchema }) })) as Json[],
      actions: { maxAllowedScope: r.maxAllowedScope, requireApproval: [...r.approvals, ...r.tools.filter((t) => t.scope === 'realWorld').map((t) => t.name)] },
      output: { schema: { type: 'object', properties: { qualified: { type: 'boolean' } }, required: ['qualified'] }, minConfidence: 0.7 },
      evals: [{ name: 'first', input: { message: 'hello' }, expect: r.evalExpect }],
    },
  }));

type Mutation =
  | { kind: 'delete'; at: number[] }
  | { kind: 'replace'; at: number[]; value: Json }
  | { kind: 'retype'; at: number[] }
  | { kind: 'unknownKey'; at: number[]; key: string; value: Json }
  | { kind: 'badName'; name: string }
  | { kind: 'duplicateTool' };

const path = fc.array(fc.nat(), { minLength: 1, maxLength: 5 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  path.map((at): Mutation => ({ kind: 'delete', at })),
  fc.record({ at: path, value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> }).map((r): Mutation => ({ kind: 'replace', ...r })),
  path.map((at): Mutation => ({ kind: 'retype', at })),
  fc.record({ at: path, key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('scopes', 'nmae', 'x-extra', '$ref', 'a/b~c')), value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }).map(
    (r): Mutation => ({ kind: 'unknownKey', ...r }),
  ),
  fc.oneof(fc.constantFrom('Lead Qualifier', '-x', 'x'.repeat(64), 'ünïcode', '', 'a_b', 'a.b'), fc.string({ maxLength: 70 })).map((name): Mutation => ({ kind: 'badName', name })),
  fc.constant<Mutation>({ kind: 'duplicateTool' }),
);

/** A near-valid blueprint with 0–4 mutations applied. */
export const mutatedBlueprint: fc.Arbitrary<Json> = fc.tuple(nearValidBlueprint, fc.array(mutation, { maxLength: 4 })).map(([doc, mutations]) => mutations.reduce<Json>(applyMutation, doc));

export function applyMutation(doc: Json, m: Mutation): Json {
  switch (m.kind) {
    case 'delete':
      return updateAt(doc, m.at, () => undefined);
    case 'replace':
      return updateAt(doc, m.at, () => m.value);
    case 'retype':
      return updateAt(doc, m.at, retype);
    case 'unknownKey':
      return updateAt(doc, m.at.slice(0, -1), (v) => (isObject(v) ? { ...v, [m.key]: m.value } : v));
    case 'badName':
      return isObject(doc) && isObject(doc['metadata']) ? { ...doc, metadata: { ...doc['metadata'], name: m.name } } : doc;
    case 'duplicateTool': {
      const spec = isObject(doc) ? doc['spec'] : undefined;
      if (!isObject(spec) || !Array.isArray(spec['tools']) || spec['tools'].length === 0) return doc;
      return { ...(doc as Doc), spec: { ...spec, tools: [...spec['tools'], spec['tools'][0]!] } };
    }
  }
}

function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Changes the kind of a value: string ↔ number, object ↔ array, and so on. */
function retype(v: Json | undefined): Json {
  if (typeof v === 'string') return v.length;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 0;
  if (v === null || v === undefined) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  return Object.values(v);
}

/** Applies `fn` at the path chosen by the seeds (each seed picks a child modulo the count); undefined deletes. */
function updateAt(doc: Json, seeds: number[], fn: (v: Json | undefined) => Json | undefined): Json {
  if (seeds.length === 0 || typeof doc !== 'object' || doc === null) return fn(doc) ?? null;
  const keys = Object.keys(doc);
  if (keys.length === 0) return fn(doc) ?? null;
  const key = keys[seeds[0]! % keys.length]!;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    const index = Number(key);
    const next = seeds.length === 1 ? fn(copy[index]) : updateAt(copy[index]!, seeds.slice(1), fn);
    if (next === undefined) copy.splice(index, 1);
    else copy[index] = next;
    return copy;
  }
  const copy: Doc = { ...doc };
  const next = seeds.length === 1 ? fn(copy[key]) : updateAt(copy[key]!, seeds.slice(1), fn);
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}
