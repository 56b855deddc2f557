import { Injectable } from '@nestjs/common';
import type { GraphEdge, GraphNode, MemoryGraphReply, MemoryItem, WorkingMemoryReply } from '@af/contracts';
import { AppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { agentName, isPlainObject, optionalLimit } from '../http/input.js';

/** Bounds of what a person may send (checked here, before anything reaches the memory service). */
export const MEMORY_CONTENT_MAX_BYTES = 16_384;
export const MEMORY_METADATA_MAX_BYTES = 8_192;
export const MEMORY_SOURCE_MAX = 64;
export const MEMORY_QUERY_MAX = 512;
export const MEMORY_ENTITY_MAX = 200;
export const MEMORY_GRAPH_DEPTH_MAX = 3;
export const MEMORY_SEARCH_LIMIT_MAX = 100;
export const WORKING_DOCUMENT_MAX_BYTES = 65_536;
export const WORKING_MESSAGES_MAX = 100;
export const WORKING_MESSAGE_MAX_BYTES = 4_096;
export const WORKING_TTL_MAX_SECONDS = 30 * 24 * 3_600;
export const MEMORY_TIERS = ['working', 'episodic', 'semantic'] as const;
export const WORKING_SCOPES = ['run', 'thread', 'user'] as const;
export const MEMORY_STORE_FIELDS = ['subjectId', 'content', 'source', 'metadata', 'agent'] as const;
export const WORKING_PUT_FIELDS = ['document', 'expectedVersion', 'appendMessages', 'ttlSeconds', 'subjectId'] as const;
/** GET /v1/memory/search: anything else is refused (a typo must not widen a search silently). */
export const MEMORY_SEARCH_QUERY = ['query', 'tier', 'subjectId', 'agent', 'limit', 'since', 'until', 'scope', 'scopeId'] as const;
export const MEMORY_GRAPH_QUERY = ['entity', 'depth'] as const;

/** A subject (a person, a customer…) or a working scope id, as the memory service accepts it. */
export const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
/** A memory id as the memory service hands it out (a UUID). */
export const MEMORY_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A person acts at organization level over the tenant's memory (no agent of theirs). */
const PERSON_SCOPE = { agent: '', accessLevel: 'organization', team: '', readOnly: false };

export type MemoryQuery = Partial<Record<string, unknown>>;

function subjectId(value: unknown, path: string): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !SUBJECT_ID.test(value)) throw AppError.invalid('an id has 1 to 128 letters, digits, "_", ".", "@", "+" or "-", starting with a letter or digit', path);
  return value;
}

function optionalAgent(value: unknown, path: string): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') throw AppError.invalid('agent must be an agent name', path);
  return agentName(value, path);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** `{subjectId?, content, source?, metadata?, agent?}`. Unknown fields are refused by the route's AllowedFields. */
export function parseStoreMemory(body: unknown) {
  if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"content": "…", "subjectId": "…"}', '');
  const content = body['content'];
  if (content === undefined || content === null) throw AppError.invalid('content is required', '/content');
  if (typeof content !== 'string' || content.trim() === '') throw AppError.invalid('content must be a non-blank string', '/content');
  if (Buffer.byteLength(content, 'utf8') > MEMORY_CONTENT_MAX_BYTES) throw AppError.invalid(`content must be at most ${MEMORY_CONTENT_MAX_BYTES} bytes (UTF-8)`, '/content');
  const source = body['source'] ?? '';
  if (typeof source !== 'string' || source.length > MEMORY_SOURCE_MAX) throw AppError.invalid(`source must be a string of at most ${MEMORY_SOURCE_MAX} characters`, '/source');
  const metadata = body['metadata'] ?? null;
  if (metadata !== null && !isPlainObject(metadata)) throw AppError.invalid('metadata must be a JSON object', '/metadata');
  if (metadata !== null && jsonBytes(metadata) > MEMORY_METADATA_MAX_BYTES) throw AppError.invalid(`metadata must be at most ${MEMORY_METADATA_MAX_BYTES} bytes as JSON`, '/metadata');
  return {
    subjectId: subjectId(body['subjectId'], '/subjectId'),
    content,
    source: source || 'api',
    metadataJson: metadata === null ? '' : JSON.stringify(metadata),
    agent: optionalAgent(body['agent'], '/agent'),
  };
}

function queryString(query: MemoryQuery, name: string, maxLength: number): string {
  const value = query[name];
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > maxLength) throw AppError.invalid(`${name} must be given once, as a string of at most ${maxLength} characters`, `/query/${name}`);
  return value;
}

function refuseUnknown(query: MemoryQuery, known: readonly string[]) {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) throw AppError.invalid(`unknown query parameter "${name}": this route accepts ${known.join(', ')}`, `/query/${name}`);
  }
}

function queryTime(query: MemoryQuery, name: 'since' | 'until'): string {
  const value = queryString(query, name, 40);
  if (value !== '' && (!RFC3339.test(value) || Number.isNaN(new Date(value).getTime()))) throw AppError.invalid(`${name} must be an RFC 3339 time with a zone (2026-11-01T00:00:00Z)`, `/query/${name}`);
  return value;
}

/** GET /v1/memory/search's query: ?query=&tier=&subjectId=&agent=&limit=&since=&until=&scope=&scopeId= (working: agent, scope and scopeId; semantic: query). */
export function parseSearchQuery(query: MemoryQuery) {
  refuseUnknown(query, MEMORY_SEARCH_QUERY);
  const tier = queryString(query, 'tier', 16);
  if (tier !== '' && !(MEMORY_TIERS as readonly string[]).includes(tier)) throw AppError.invalid(`tier must be one of ${MEMORY_TIERS.join(', ')} (absent: episodic and semantic merged)`, '/query/tier');
  const text = queryString(query, 'query', MEMORY_QUERY_MAX);
  if (tier === 'semantic' && text.trim() === '') throw AppError.invalid('query is required for tier=semantic (the text to search for)', '/query/query');
  const since = queryTime(query, 'since');
  const until = queryTime(query, 'until');
  if (since && until && new Date(since).getTime() >= new Date(until).getTime()) throw AppError.invalid('since must be before until', '/query/since');
  const scope = queryString(query, 'scope', 16);
  if (scope !== '' && !(WORKING_SCOPES as readonly string[]).includes(scope)) throw AppError.invalid(`scope must be one of ${WORKING_SCOPES.join(', ')}`, '/query/scope');
  const scopeId = subjectId(query['scopeId'], '/query/scopeId');
  if ((scope === '') !== (scopeId === '')) throw AppError.invalid('scope and scopeId go together', scope === '' ? '/query/scope' : '/query/scopeId');
  if (scope !== '' && tier !== 'working') throw AppError.invalid('scope and scopeId are for tier=working', '/query/scope');
  if (tier === 'working' && scope === '') throw AppError.invalid('tier=working needs agent, scope and scopeId (whose working memory)', '/query/scope');
  const agent = optionalAgent(query['agent'], '/query/agent');
  if (tier === 'working' && agent === '') throw AppError.invalid('tier=working needs agent, scope and scopeId (whose working memory)', '/query/agent');
  const limit = query['limit'];
  if (limit !== undefined && typeof limit !== 'string') throw AppError.invalid('limit must be given once', '/query/limit');
  return {
    query: text,
    tier,
    subjectId: subjectId(query['subjectId'], '/query/subjectId'),
    agent,
    limit: optionalLimit(limit),
    since,
    until,
    workingScope: scope,
    workingScopeId: scopeId,
  };
}

/** GET /v1/memory/graph's query: ?entity=&depth= (1 to 3, absent: 1). */
export function parseGraphQuery(query: MemoryQuery) {
  refuseUnknown(query, MEMORY_GRAPH_QUERY);
  const entity = queryString(query, 'entity', MEMORY_ENTITY_MAX);
  if (entity.trim() === '') throw AppError.invalid(`entity is required (a name of 1 to ${MEMORY_ENTITY_MAX} characters)`, '/query/entity');
  const depth = queryString(query, 'depth', 2);
  if (depth !== '' && !new RegExp(`^[1-${MEMORY_GRAPH_DEPTH_MAX}]$`).test(depth)) throw AppError.invalid(`depth must be an integer from 1 to ${MEMORY_GRAPH_DEPTH_MAX}`, '/query/depth');
  return { entity, depth: depth === '' ? 1 : Number(depth) };
}

export function memoryId(value: string): string {
  if (!MEMORY_ID.test(value)) throw AppError.invalid('a memory id is a UUID', '/id');
  return value;
}

export function workingKey(agent: string, scope: string, scopeId: string) {
  if (!(WORKING_SCOPES as readonly string[]).includes(scope)) throw AppError.invalid(`scope must be one of ${WORKING_SCOPES.join(', ')}`, '/scope');
  const id = subjectId(scopeId, '/scopeId');
  if (id === '') throw AppError.invalid('scopeId is required', '/scopeId');
  return { agent: agentName(agent, '/agent'), scope, scopeId: id };
}

/** `{document, expectedVersion, appendMessages?, ttlSeconds?, subjectId?}`: compare-and-set (expectedVersion 0 = create). */
export function parseWorkingPut(body: unknown) {
  if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"document": {…}, "expectedVersion": 0}', '');
  const document = body['document'];
  if (document === undefined || document === null) throw AppError.invalid('document is required (a JSON object)', '/document');
  if (!isPlainObject(document)) throw AppError.invalid('document must be a JSON object', '/document');
  if (jsonBytes(document) > WORKING_DOCUMENT_MAX_BYTES) throw AppError.invalid(`document must be at most ${WORKING_DOCUMENT_MAX_BYTES} bytes as JSON`, '/document');
  const expected = body['expectedVersion'];
  if (expected === undefined || expected === null) throw AppError.invalid('expectedVersion is required (0 creates; else the version read last)', '/expectedVersion');
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) throw AppError.invalid('expectedVersion must be an integer from 0 (0 creates)', '/expectedVersion');
  const messages = body['appendMessages'] ?? [];
  if (!Array.isArray(messages) || messages.length > WORKING_MESSAGES_MAX) throw AppError.invalid(`appendMessages must be a list of at most ${WORKING_MESSAGES_MAX} strings`, '/appendMessages');
  messages.forEach((m, i) => {
    if (typeof m !== 'string' || m.length === 0 || Buffer.byteLength(m, 'utf8') > WORKING_MESSAGE_MAX_BYTES) throw AppError.invalid(`appendMessages[${i}] must be a non-empty string of at most ${WORKING_MESSAGE_MAX_BYTES} bytes`, `/appendMessages/${i}`);
  });
  const ttl = body['ttlSeconds'] ?? 0;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > WORKING_TTL_MAX_SECONDS) throw AppError.invalid(`ttlSeconds must be an integer from 1 to ${WORKING_TTL_MAX_SECONDS} (absent or 0: the default)`, '/ttlSeconds');
  return { documentJson: JSON.stringify(document), expectedVersion: BigInt(expected), appendMessages: messages as string[], ttlSeconds: ttl, subjectId: subjectId(body['subjectId'], '/subjectId') };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function memoryItemView(m: MemoryItem | undefined) {
  if (!m) return null;
  return {
    id: m.id,
    tier: m.tier,
    content: m.content,
    score: m.score,
    subjectId: m.subjectId || null,
    agent: m.agent || null,
    team: m.team || null,
    source: m.source || null,
    metadata: parseJson(m.metadataJson),
    createdAt: m.createdAt || null,
    entities: m.entities,
    neighbours: m.neighbours,
  };
}

const nodeView = (n: GraphNode) => ({ name: n.name, kind: n.kind, mentions: Number(n.mentions) });
const edgeView = (e: GraphEdge) => ({ from: e.from, to: e.to, relation: e.relation, weight: Number(e.weight) });

export function memoryGraphView(g: MemoryGraphReply) {
  return { entity: g.entity ? nodeView(g.entity) : null, nodes: g.nodes.map(nodeView), edges: g.edges.map(edgeView) };
}

export function workingMemoryView(key: { agent: string; scope: string; scopeId: string }, w: WorkingMemoryReply) {
  return { ...key, document: parseJson(w.documentJson) ?? {}, version: Number(w.version), messages: w.messages, ttlSeconds: Number(w.ttlSeconds) };
}

/** Agent memory for people: each call one request to the memory service, at organization level. */
@Injectable()
export class MemoryApi {
  constructor(private readonly bus: MessageBus) {}

  async store(body: unknown) {
    const { agent, ...fields } = parseStoreMemory(body);
    const reply = await this.bus.request('af.v1.memory.store', { ...fields, scope: { ...PERSON_SCOPE, agent } });
    return { id: reply.id, entities: reply.entities };
  }

  async get(id: string) {
    return memoryItemView((await this.bus.request('af.v1.memory.get', { id: memoryId(id), scope: PERSON_SCOPE })).item);
  }

  async search(query: MemoryQuery) {
    const reply = await this.bus.request('af.v1.memory.search', { ...parseSearchQuery(query), scope: PERSON_SCOPE });
    return { items: reply.items.map(memoryItemView) };
  }

  async graph(query: MemoryQuery) {
    return memoryGraphView(await this.bus.request('af.v1.memory.graph', { ...parseGraphQuery(query), scope: PERSON_SCOPE }));
  }

  /** Every tier, audited by the memory service; `verified` = its read-back found nothing left. */
  async forget(principal: Principal, subject: string) {
    const id = subjectId(subject, '/subjectId');
    if (id === '') throw AppError.invalid('subjectId is required', '/subjectId');
    const r = await this.bus.request('af.v1.memory.subjects.forget', { subjectId: id, caller: callerOf(principal) });
    return { subjectId: r.subjectId, workingDeleted: Number(r.workingDeleted), episodicDeleted: Number(r.episodicDeleted), semanticDeleted: Number(r.semanticDeleted), verified: r.verified };
  }

  async getWorking(agent: string, scope: string, scopeId: string) {
    const key = workingKey(agent, scope, scopeId);
    return workingMemoryView(key, await this.bus.request('af.v1.memory.working.get', { ...key, access: PERSON_SCOPE }));
  }

  /** 409 CONFLICT (from the memory service) when expectedVersion is not the stored version. */
  async putWorking(agent: string, scope: string, scopeId: string, body: unknown) {
    const key = workingKey(agent, scope, scopeId);
    return workingMemoryView(key, await this.bus.request('af.v1.memory.working.put', { ...key, ...parseWorkingPut(body), access: PERSON_SCOPE }));
  }
}
