import { Inject, Injectable } from '@nestjs/common';
import type { ArtifactContext, MemoryItem } from '@af/contracts';
import { ErrorCode, toAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import type { JsonValue } from '../artifacts/artifact.js';
import { isDependencyFailure, withDependencyRetry } from '../journal/dependency-retry.js';
import { clip, lookbackMs, queryTextOf, scopeOf, workingScopeOf, type Remembered, type RememberedItem, type RunMemoryAccess } from './memory-access.js';

/** Memory settings of the worker (WORKER_MEMORY_*; see config.ts). */
export interface MemorySettings {
  /** One request to the memory service. */
  requestTimeoutMs: number;
  /** How long loading (and the working-memory update) retries while the memory service is away, then the run goes on without. */
  loadWaitMs: number;
  /** Episodes loaded into a run's context. */
  episodes: number;
  /** Semantic hits loaded when the blueprint says `semantic: {}` without topK. */
  defaultTopK: number;
  /** Largest "What you remember:" section of the system prompt. */
  contextMaxBytes: number;
}

export const MEMORY_SETTINGS = Symbol('MEMORY_SETTINGS');

/** Longest content of one remembered item kept in a run's memory step. */
const ITEM_MAX_CHARS = 2_000;
/** Longest entry a run appends to its working window. */
const WINDOW_ENTRY_MAX_CHARS = 1_000;
const CAS_ATTEMPTS = 4;

/** A memory call the worker refuses before asking (read-only mode, a level not granted, bad arguments): a tool error. */
export class MemoryRefused extends Error {
  override readonly name = 'MemoryRefused';
}

/**
 * A run's memory over `af.v1.memory.*` (the memory service owns every tier): what a run loads
 * before its first model call, what its tool code remembers and searches through the sandbox
 * bridge, and the working-window entry a succeeded run appends.
 *
 * The memory service away: loading retries for WORKER_MEMORY_LOAD_WAIT_MS, then the run PROCEEDS
 * WITHOUT MEMORY and the loading step says so in its `notes` (memory enriches a run, it is not a
 * precondition of it; the step is journaled, so a redelivery replays the same, memory-less view).
 */
@Injectable()
export class RunMemory {
  constructor(
    private readonly bus: MessageBus,
    @Inject(MEMORY_SETTINGS) private readonly settings: MemorySettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Largest "What you remember:" section of a system prompt (WORKER_MEMORY_CONTEXT_MAX_BYTES). */
  get contextMaxBytes(): number {
    return this.settings.contextMaxBytes;
  }

  /** What the blueprint's `context.memory` asks to load, as a step request (deterministic: no clock). */
  loadRequest(context: ArtifactContext, access: RunMemoryAccess, input: JsonValue, runId: string) {
    const memory = context.memory ?? {};
    return {
      working: memory.working === true ? workingScopeOf(input, runId) : null,
      query: queryTextOf(input),
      episodic: memory.episodic ? { lookback: memory.episodic.lookback ?? '', limit: this.settings.episodes } : null,
      semantic: memory.semantic ? { topK: memory.semantic.topK ?? this.settings.defaultTopK } : null,
      access: scopeOf(access),
    };
  }

  async load(tenantId: string, access: RunMemoryAccess, request: ReturnType<RunMemory['loadRequest']>): Promise<Remembered> {
    const remembered: Remembered = { items: [], notes: access.refused ? [`${access.refused}; loaded as organization`] : [] };
    const scope = scopeOf(access);
    const call = <T>(what: string, fn: () => Promise<T>) => this.retried(what, fn);
    try {
      if (request.working) {
        const reply = await call('working memory', () =>
          this.bus.request('af.v1.memory.working.get', { agent: access.agent, scope: request.working!.scope, scopeId: request.working!.scopeId, access: scope }, this.opts(tenantId)),
        );
        remembered.working = { ...request.working, document: parseJson(reply.documentJson, {}), messages: reply.messages.map((m) => clip(m, WINDOW_ENTRY_MAX_CHARS)), version: Number(reply.version) };
      }
      if (request.episodic && request.query !== '') {
        const since = lookbackMs(request.episodic.lookback);
        const reply = await call('episodic search', () =>
          this.bus.request(
            'af.v1.memory.search',
            { query: request.query, tier: 'episodic', limit: request.episodic!.limit, ...(since ? { since: new Date(Date.now() - since).toISOString() } : {}), scope },
            this.opts(tenantId),
          ),
        );
        remembered.items.push(...reply.items.map(itemOf));
      }
      if (request.semantic && request.query !== '') {
        const reply = await call('semantic search', () => this.bus.request('af.v1.memory.search', { query: request.query, tier: 'semantic', limit: request.semantic!.topK, scope }, this.opts(tenantId)));
        remembered.items.push(...reply.items.map(itemOf));
      }
    } catch (error) {
      if (!isDependencyFailure(error)) throw error;
      // Bounded wait over: the run goes on with what was loaded so far, and says so.
      remembered.notes.push(`memory service unavailable (${toAppError(error).message}); the run proceeds without the rest of its memory`);
    }
    return remembered;
  }

  /** `memory.remember` from tool code: stored once per key (the tool call's step id and the call's count). */
  async remember(tenantId: string, access: RunMemoryAccess, payload: Record<string, unknown>, idempotencyKey: string): Promise<string> {
    this.refuseWrites(access);
    const content = payload['content'];
    if (typeof content !== 'string' || content.trim() === '') throw new MemoryRefused('memory.remember needs a non-empty string "content"');
    if (Buffer.byteLength(content, 'utf8') > 16_384) throw new MemoryRefused('memory.remember: "content" is larger than 16384 bytes');
    const subjectId = payload['subjectId'];
    if (subjectId !== undefined && subjectId !== null && (typeof subjectId !== 'string' || subjectId.length > 200)) throw new MemoryRefused('memory.remember: "subjectId" must be a string of at most 200 characters');
    const metadata = payload['metadata'];
    if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) throw new MemoryRefused('memory.remember: "metadata" must be an object');
    const metadataJson = metadata ? JSON.stringify(metadata) : '';
    if (metadataJson.length > 8_192) throw new MemoryRefused('memory.remember: "metadata" is larger than 8192 bytes as JSON');
    const reply = await this.bus.request(
      'af.v1.memory.store',
      { content, subjectId: typeof subjectId === 'string' ? subjectId : '', source: `agent:${access.agent}`, metadataJson, scope: scopeOf(access), idempotencyKey },
      this.opts(tenantId),
    );
    return JSON.stringify({ id: reply.id, entities: reply.entities, created: reply.created });
  }

  /** `memory.search` from tool code: best first, as the run's access level allows. */
  async search(tenantId: string, access: RunMemoryAccess, payload: Record<string, unknown>, workingScope: { scope: string; scopeId: string }): Promise<string> {
    if (access.refused) throw new MemoryRefused(access.refused);
    const query = payload['query'];
    if (typeof query !== 'string' || query.length > 500) throw new MemoryRefused('memory.search needs a string "query" of at most 500 characters');
    const tier = payload['tier'] ?? '';
    if (typeof tier !== 'string' || !['', 'working', 'episodic', 'semantic'].includes(tier)) throw new MemoryRefused('memory.search: "tier" must be working, episodic or semantic');
    const given = payload['limit'];
    const limit = typeof given === 'number' && Number.isInteger(given) ? Math.min(Math.max(given, 1), 20) : 5;
    const reply = await this.bus.request(
      'af.v1.memory.search',
      { query, tier, limit, scope: scopeOf(access), ...(tier === 'working' ? { workingScope: workingScope.scope, workingScopeId: workingScope.scopeId } : {}) },
      this.opts(tenantId),
    );
    return JSON.stringify(reply.items.map(itemOf));
  }

  /**
   * After a succeeded run with working memory: its input and output (summarised, bounded) appended
   * to the scope's window — a get, then a put compare-and-set on the version, retried on a
   * conflict (another run of the same thread/user wrote meanwhile). Returns what happened.
   */
  async appendWorking(tenantId: string, access: RunMemoryAccess, working: { scope: string; scopeId: string }, entry: string): Promise<{ version: number; attempts: number } | { skipped: string }> {
    if (access.readOnly) return { skipped: 'read-only' };
    const scope = scopeOf(access);
    try {
      for (let attempt = 1; ; attempt++) {
        const current = await this.retried('working memory', () => this.bus.request('af.v1.memory.working.get', { agent: access.agent, scope: working.scope, scopeId: working.scopeId, access: scope }, this.opts(tenantId)));
        try {
          const put = await this.retried('working memory update', () =>
            this.bus.request(
              'af.v1.memory.working.put',
              { agent: access.agent, scope: working.scope, scopeId: working.scopeId, documentJson: current.documentJson || '{}', expectedVersion: current.version, appendMessages: [clip(entry, WINDOW_ENTRY_MAX_CHARS)], access: scope },
              this.opts(tenantId),
            ),
          );
          return { version: Number(put.version), attempts: attempt };
        } catch (error) {
          if (toAppError(error).code !== ErrorCode.Conflict || attempt >= CAS_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      if (!isDependencyFailure(error) && toAppError(error).code !== ErrorCode.Conflict) throw error;
      this.logger.warn({ agent: access.agent, scope: working.scope, code: toAppError(error).code }, `working memory not updated: ${toAppError(error).message}`);
      return { skipped: `not updated: ${toAppError(error).message}` };
    }
  }

  private refuseWrites(access: RunMemoryAccess): void {
    if (access.refused) throw new MemoryRefused(access.refused);
    if (access.readOnly) throw new MemoryRefused(`read-only mode: agent "${access.agent}" writes no memory (spec.context.memory.readOnly)`);
  }

  private retried<T>(what: string, call: () => Promise<T>): Promise<T> {
    return withDependencyRetry(`memory ${what}`, call, { deadlineMs: this.settings.loadWaitMs, maxDelayMs: 1_000 }, this.logger);
  }

  private opts(tenantId: string) {
    return { tenantId, timeoutMs: this.settings.requestTimeoutMs };
  }
}

function itemOf(item: MemoryItem): RememberedItem {
  return {
    tier: item.tier,
    id: item.id,
    content: clip(item.content, ITEM_MAX_CHARS),
    score: item.score,
    subjectId: item.subjectId,
    agent: item.agent,
    source: item.source,
    metadata: parseJson(item.metadataJson, null),
    createdAt: item.createdAt,
    entities: item.entities.slice(0, 20),
    neighbours: item.neighbours.slice(0, 20),
  };
}

function parseJson(json: string, fallback: JsonValue): JsonValue {
  if (!json) return fallback;
  try {
    return JSON.parse(json) as JsonValue;
  } catch {
    return fallback;
  }
}
