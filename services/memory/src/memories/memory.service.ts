import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type {
  ForgetSubjectReplySchema,
  ForgetSubjectRequest,
  GetMemoryRequest,
  MemoryGraphReplySchema,
  MemoryGraphRequest,
  MemoryItemReplySchema,
  MemoryItemSchema,
  SearchMemoryReplySchema,
  SearchMemoryRequest,
  StoreMemoryReplySchema,
  StoreMemoryRequest,
  TenantId,
  WorkingMemoryReplySchema,
  WorkingMemoryRequest,
} from '@af/contracts';
import { DNS_LABEL } from '@af/blueprint-format';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import { EMBEDDER, type Embedder } from './embedder.js';
import { extractEntities } from './entity-extractor.js';
import { LIMITS, limitOf, maxBytes, metadataOf, optionalId, requireId, requireUuid, timeOf } from './memory-limits.js';
import { MemoryRepository, type MemoryRow } from './memory.repository.js';
import { MEMORIES_OPTIONS, type MemoriesOptions } from './memories.options.js';
import { SemanticRepository, type SemanticHit } from './semantic.repository.js';
import { visibilityFilter, visibilityOf, type Visibility } from './visibility.js';
import { WorkingStoreRepository } from './working-store.repository.js';

type Item = MessageInitShape<typeof MemoryItemSchema>;
const WORKING_SCOPES = new Set(['run', 'thread', 'user']);

/**
 * Agent memory: the three tiers behind af.v1.memory.*. A store goes to PostgreSQL (episodic, the
 * record of truth) and then to Neo4j (entities + embedding). Neo4j down: the store answers
 * UNAVAILABLE after the row is kept; the caller's retry with the same idempotency key finds the
 * row and completes the graph (MERGE), so nothing is lost or doubled.
 */
@Injectable()
export class MemoryService {
  private readonly storeDuration: Histogram<'tier'>;
  private readonly searchDuration: Histogram<'tier'>;
  private readonly stored: Counter<'tier'>;
  private readonly storedBytes: Counter;
  private readonly forgotten: Counter<'tier'>;
  private readonly forgets: Counter<'verified'>;

  constructor(
    private readonly memories: MemoryRepository,
    private readonly semantic: SemanticRepository,
    private readonly working: WorkingStoreRepository,
    private readonly audit: AuditTrail,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(MEMORIES_OPTIONS) private readonly options: MemoriesOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.storeDuration = metrics.histogram('af_memory_store_duration_seconds', 'Memory writes, by tier', ['tier'], [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1]);
    this.searchDuration = metrics.histogram('af_memory_search_duration_seconds', 'Memory searches, by tier', ['tier'], [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1]);
    this.stored = metrics.counter('af_memory_stored_total', 'Memories written, by tier (repeats of an idempotency key excluded)', ['tier']);
    this.storedBytes = metrics.counter('af_memory_stored_bytes_total', 'Content bytes of stored memories');
    this.forgotten = metrics.counter('af_memory_forgotten_total', 'Items deleted by forget-subject, by tier', ['tier']);
    this.forgets = metrics.counter('af_memory_forget_subject_total', 'Forget-subject requests, by verification result', ['verified']);
  }

  async store(tenantId: TenantId, request: StoreMemoryRequest): Promise<MessageInitShape<typeof StoreMemoryReplySchema>> {
    const content = request.content.trim();
    if (!content) throw AppError.invalid('content is required', '/content');
    maxBytes(content, LIMITS.contentBytes, '/content', 'content');
    const metadataJson = metadataOf(request.metadataJson);
    const subjectId = optionalId(request.subjectId, '/subjectId', 'subjectId');
    const source = request.source.slice(0, 200);
    if (request.idempotencyKey.length > 200) throw AppError.invalid('idempotencyKey must be at most 200 characters', '/idempotencyKey');
    const agent = request.scope?.agent ?? '';
    if (agent && !DNS_LABEL.test(agent)) throw AppError.invalid('scope.agent must be a DNS label', '/scope/agent');
    const team = (request.scope?.team ?? '').slice(0, 63);
    if (request.scope?.readOnly) throw new AppError(ErrorCode.PermissionDenied, 'read-only memory: nothing is stored', { path: '/scope/readOnly' });

    const started = performance.now();
    const { row, created } = await this.memories.insert(tenantId, {
      agent,
      team,
      subjectId,
      source,
      content,
      metadataJson,
      retentionDays: this.options.retentionOverrides.get(tenantId) ?? this.options.retentionDays,
      idempotencyKey: request.idempotencyKey,
    });
    this.storeDuration.observe({ tier: 'episodic' }, (performance.now() - started) / 1_000);
    const entities = extractEntities(row.content);
    const graphStarted = performance.now();
    const embedding = await this.embedder.embed(row.content);
    await this.semantic.write(tenantId, { ...row, createdAt: row.createdAt.toISOString(), embedding, entities });
    this.storeDuration.observe({ tier: 'semantic' }, (performance.now() - graphStarted) / 1_000);
    if (created) {
      this.stored.inc({ tier: 'episodic' });
      this.stored.inc({ tier: 'semantic' });
      this.storedBytes.inc(Buffer.byteLength(row.content));
    }
    return { id: row.id, entities: entities.map((e) => e.name), created };
  }

  async get(tenantId: TenantId, request: GetMemoryRequest): Promise<MessageInitShape<typeof MemoryItemReplySchema>> {
    const id = requireUuid(request.id, '/id');
    const visibility = visibilityOf(request.scope);
    const row = await this.memories.get(tenantId, id);
    if (!row || !visible(row, visibility)) throw new AppError(ErrorCode.NotFound, `memory ${id} not found`, { path: '/id' });
    return { item: episodicItem(row) };
  }

  async search(tenantId: TenantId, request: SearchMemoryRequest): Promise<MessageInitShape<typeof SearchMemoryReplySchema>> {
    const query = request.query.trim();
    if (query.length > LIMITS.queryChars) throw AppError.invalid(`query must be at most ${LIMITS.queryChars} characters`, '/query');
    const limit = limitOf(request.limit);
    const visibility = visibilityOf(request.scope);
    const subjectId = optionalId(request.subjectId, '/subjectId', 'subjectId');
    if (request.agent && !DNS_LABEL.test(request.agent)) throw AppError.invalid('agent must be a DNS label', '/agent');
    switch (request.tier) {
      case 'working':
        return { items: await this.searchWorking(tenantId, request, query, limit) };
      case 'episodic':
        return { items: await this.searchEpisodic(tenantId, request, query, visibility, subjectId, limit) };
      case 'semantic':
        return { items: await this.searchSemantic(tenantId, request, query, visibility, subjectId, limit) };
      case '': {
        const [episodic, semantic] = await Promise.all([
          this.searchEpisodic(tenantId, request, query, visibility, subjectId, limit),
          query ? this.searchSemantic(tenantId, request, query, visibility, subjectId, limit) : Promise.resolve([]),
        ]);
        // One list, best first: scores of different tiers are not comparable, so interleave by rank.
        const merged: Item[] = [];
        for (let i = 0; merged.length < limit && (i < episodic.length || i < semantic.length); i++) {
          if (episodic[i]) merged.push(episodic[i]!);
          if (semantic[i] && merged.length < limit) merged.push(semantic[i]!);
        }
        return { items: merged };
      }
      default:
        throw AppError.invalid('tier must be working, episodic or semantic', '/tier');
    }
  }

  async graph(tenantId: TenantId, request: MemoryGraphRequest): Promise<MessageInitShape<typeof MemoryGraphReplySchema>> {
    const entity = request.entity.trim();
    if (!entity || entity.length > 100) throw AppError.invalid('entity must be 1–100 characters', '/entity');
    const depth = request.depth || 1;
    if (depth < 1 || depth > LIMITS.maxDepth) throw AppError.invalid(`depth must be between 1 and ${LIMITS.maxDepth}`, '/depth');
    const view = await this.semantic.graph(tenantId, entity, depth, visibilityFilter(visibilityOf(request.scope)));
    if (!view.entity) throw new AppError(ErrorCode.NotFound, `entity "${entity}" not found`, { path: '/entity' });
    const node = (n: { name: string; kind: string; mentions: number }) => ({ name: n.name, kind: n.kind, mentions: BigInt(n.mentions) });
    return { entity: node(view.entity), nodes: view.nodes.map(node), edges: view.edges.map((e) => ({ from: e.from, to: e.to, relation: e.relation, weight: BigInt(e.weight ?? 0) })) };
  }

  /** Forgets a person in every tier, reads each store back, and audits the counts. */
  async forgetSubject(tenantId: TenantId, request: ForgetSubjectRequest): Promise<MessageInitShape<typeof ForgetSubjectReplySchema>> {
    const subjectId = requireId(request.subjectId, '/subjectId', 'subjectId');
    const working = await this.working.forgetSubject(tenantId, subjectId);
    const episodic = await this.memories.forgetSubject(tenantId, subjectId);
    const semantic = await this.semantic.forgetSubject(tenantId, subjectId);
    const [workingLeft, episodicLeft, semanticLeft] = await Promise.all([
      this.working.remaining(tenantId, subjectId, working.keys),
      this.memories.countSubject(tenantId, subjectId),
      this.semantic.countSubject(tenantId, subjectId),
    ]);
    const verified = workingLeft + episodicLeft + semanticLeft === 0;
    this.forgotten.inc({ tier: 'working' }, working.deleted);
    this.forgotten.inc({ tier: 'episodic' }, episodic);
    this.forgotten.inc({ tier: 'semantic' }, semantic);
    this.forgets.inc({ verified: String(verified) });
    const counts = { workingDeleted: working.deleted, episodicDeleted: episodic, semanticDeleted: semantic, verified };
    await this.audit.record({
      action: 'memory.subject.forgotten',
      actor: request.caller?.subject || 'system:memory',
      resourceType: 'memory-subject',
      resourceId: subjectId,
      outcome: verified ? 'success' : 'failure',
      details: counts,
      tenantId,
    });
    this.logger.info({ subjectId, ...counts }, verified ? 'subject forgotten in every memory tier' : 'subject forget left data behind');
    return { subjectId, workingDeleted: BigInt(working.deleted), episodicDeleted: BigInt(episodic), semanticDeleted: BigInt(semantic), verified };
  }

  async workingGet(tenantId: TenantId, request: WorkingMemoryRequest): Promise<MessageInitShape<typeof WorkingMemoryReplySchema>> {
    const { agent, scope, scopeId } = this.workingAddress(request);
    const started = performance.now();
    const entry = await this.working.get(tenantId, agent, scope, scopeId);
    this.searchDuration.observe({ tier: 'working' }, (performance.now() - started) / 1_000);
    if (!entry) return { documentJson: '{}', version: 0n, messages: [], ttlSeconds: 0n };
    return { documentJson: entry.documentJson, version: BigInt(entry.version), messages: entry.messages, ttlSeconds: BigInt(entry.ttlSeconds) };
  }

  async workingPut(tenantId: TenantId, request: WorkingMemoryRequest): Promise<MessageInitShape<typeof WorkingMemoryReplySchema>> {
    const { agent, scope, scopeId } = this.workingAddress(request);
    if (request.access?.readOnly) throw new AppError(ErrorCode.PermissionDenied, 'read-only memory: nothing is stored', { path: '/access/readOnly' });
    if (request.documentJson) {
      maxBytes(request.documentJson, LIMITS.documentBytes, '/documentJson', 'document');
      let doc: unknown;
      try {
        doc = JSON.parse(request.documentJson);
      } catch {
        throw AppError.invalid('document must be JSON', '/documentJson');
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw AppError.invalid('document must be a JSON object', '/documentJson');
    }
    if (request.appendMessages.length > LIMITS.appendMessages) throw AppError.invalid(`at most ${LIMITS.appendMessages} messages per put`, '/appendMessages');
    request.appendMessages.forEach((m, i) => maxBytes(m, LIMITS.messageBytes, `/appendMessages/${i}`, 'message'));
    if (request.expectedVersion < 0n) throw AppError.invalid('expectedVersion must not be negative', '/expectedVersion');
    if (request.ttlSeconds < 0 || request.ttlSeconds > LIMITS.maxTtlSeconds) throw AppError.invalid(`ttlSeconds must be between 0 and ${LIMITS.maxTtlSeconds}`, '/ttlSeconds');
    const subjectId = optionalId(request.subjectId, '/subjectId', 'subjectId');
    const started = performance.now();
    const result = await this.working.put(tenantId, agent, scope, scopeId, {
      documentJson: request.documentJson,
      expectedVersion: Number(request.expectedVersion),
      appendMessages: request.appendMessages,
      ttlSeconds: request.ttlSeconds || this.options.workingTtlSeconds,
      maxMessages: this.options.workingMaxMessages,
      subjectId,
    });
    this.storeDuration.observe({ tier: 'working' }, (performance.now() - started) / 1_000);
    if (!result.ok) {
      throw new AppError(ErrorCode.Conflict, `working memory is at version ${result.version}, not ${request.expectedVersion}`, { path: '/expectedVersion', details: { currentVersion: result.version } });
    }
    this.stored.inc({ tier: 'working' });
    return this.workingGet(tenantId, request);
  }

  private async searchWorking(tenantId: TenantId, request: SearchMemoryRequest, query: string, limit: number): Promise<Item[]> {
    const agent = request.agent || request.scope?.agent || '';
    // Working memory is private to its agent whatever the access level; a person (no agent) reads any.
    const { scope, scopeId } = this.workingAddress({ agent, scope: request.workingScope, scopeId: request.workingScopeId, access: request.scope });
    const started = performance.now();
    const entry = await this.working.get(tenantId, agent, scope, scopeId);
    this.searchDuration.observe({ tier: 'working' }, (performance.now() - started) / 1_000);
    if (!entry) return [];
    // Working search is a plain case-insensitive substring match over the document and each message.
    const needle = query.toLowerCase();
    const id = `${agent}:${scope}:${scopeId}`;
    const candidates: Item[] = [
      { id: `${id}#document`, tier: 'working', content: entry.documentJson, score: 1, agent, source: 'document' },
      ...entry.messages.map((m, i) => ({ id: `${id}#message-${i}`, tier: 'working', content: m, score: 1, agent, source: 'message' })),
    ];
    return candidates.filter((c) => !needle || (c.content ?? '').toLowerCase().includes(needle)).slice(0, limit);
  }

  private async searchEpisodic(tenantId: TenantId, request: SearchMemoryRequest, query: string, visibility: Visibility, subjectId: string, limit: number): Promise<Item[]> {
    const filter = visibilityFilter(visibility);
    if (filter.agent && request.agent && request.agent !== filter.agent) return [];
    const started = performance.now();
    const rows = await this.memories.search(tenantId, {
      text: query,
      agent: request.agent || filter.agent,
      team: filter.team,
      subjectId,
      since: timeOf(request.since, '/since'),
      until: timeOf(request.until, '/until'),
      limit,
    });
    this.searchDuration.observe({ tier: 'episodic' }, (performance.now() - started) / 1_000);
    return rows.map(episodicItem);
  }

  private async searchSemantic(tenantId: TenantId, request: SearchMemoryRequest, query: string, visibility: Visibility, subjectId: string, limit: number): Promise<Item[]> {
    if (!query) throw AppError.invalid('semantic search needs a query', '/query');
    const filter = visibilityFilter(visibility);
    const started = performance.now();
    const vector = await this.embedder.embed(query);
    const hits = await this.semantic.search(tenantId, vector, { ...filter, subjectId, onlyAgent: request.agent, k: limit });
    this.searchDuration.observe({ tier: 'semantic' }, (performance.now() - started) / 1_000);
    return hits.map(semanticItem);
  }

  private workingAddress(request: Pick<WorkingMemoryRequest, 'agent' | 'scope' | 'scopeId' | 'access'>): { agent: string; scope: string; scopeId: string } {
    const agent = request.agent || request.access?.agent || '';
    if (!DNS_LABEL.test(agent)) throw AppError.invalid('agent must be a DNS label', '/agent');
    if (request.access?.agent && request.access.agent !== agent) throw new AppError(ErrorCode.PermissionDenied, 'an agent reads and writes only its own working memory', { path: '/agent' });
    if (!WORKING_SCOPES.has(request.scope)) throw AppError.invalid('scope must be run, thread or user', '/scope');
    return { agent, scope: request.scope, scopeId: requireId(request.scopeId, '/scopeId', 'scopeId') };
  }
}

function visible(row: MemoryRow, v: Visibility): boolean {
  return v.level === 'organization' || (v.level === 'self' ? row.agent === v.agent : row.team === v.team);
}

function episodicItem(row: MemoryRow): Item {
  return {
    id: row.id,
    tier: 'episodic',
    content: row.content,
    score: row.score,
    subjectId: row.subjectId,
    agent: row.agent,
    team: row.team,
    source: row.source,
    metadataJson: JSON.stringify(row.metadata),
    createdAt: row.createdAt.toISOString(),
  };
}

function semanticItem(hit: SemanticHit): Item {
  return { id: hit.id, tier: 'semantic', content: hit.content, score: hit.score, subjectId: hit.subjectId, agent: hit.agent, team: hit.team, source: hit.source, createdAt: hit.createdAt, entities: hit.entities, neighbours: hit.neighbours };
}
