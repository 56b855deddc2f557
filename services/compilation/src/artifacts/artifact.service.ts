import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { toJson, type MessageInitShape } from '@bufbuild/protobuf';
import { ValidationReportSchema, type ArtifactMetadataReplySchema, type ArtifactReplySchema, type CompileBlueprintRequest, type CompileReplySchema, type CompileRequest, type TenantId } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import { ArtifactCacheRepository } from './artifact-cache.repository.js';
import { ArtifactRepository, type StoredArtifact } from './artifact.repository.js';
import { ARTIFACTS_OPTIONS, type ArtifactsOptions } from './artifacts.options.js';
import { COMPILER_VERSION, compileBlueprint } from './blueprint.compiler.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import { DEFAULT_TYPECHECK_OPTIONS, closeToolTypeChecker, useToolTypeChecker } from './tool-typecheck.pool.js';
import { DNS_LABEL } from '@af/blueprint-format';

const ARTIFACT_HASH = /^sha256:[0-9a-f]{64}$/;
const BLUEPRINT_NAME = DNS_LABEL;

type CacheOp = 'compile' | 'artifact';
type CacheLayer = 'redis' | 'postgres';

@Injectable()
export class ArtifactService implements OnModuleInit, OnModuleDestroy {
  private readonly compileDuration: Histogram<'outcome'>;
  private readonly cache: Counter<'op' | 'layer' | 'result'>;
  private readonly cacheErrors: Counter<'cache'>;

  constructor(
    private readonly artifacts: ArtifactRepository,
    private readonly hot: ArtifactCacheRepository,
    private readonly bus: MessageBus,
    @Inject(ARTIFACTS_OPTIONS) private readonly options: ArtifactsOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.compileDuration = metrics.histogram('af_compilation_compile_duration_seconds', 'Blueprint compile duration (including the cache lookup), by outcome: compiled, cached, error', ['outcome'], [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
    this.cache = metrics.counter('af_compilation_cache_total', 'Cache lookups by operation (compile: source → artifact hash; artifact: hash → artifact), layer (redis, postgres) and result (hit, miss, error)', ['op', 'layer', 'result']);
    this.cacheErrors = metrics.counter('af_cache_errors_total', 'Failed reads and writes of an optional cache (Redis), each served as a miss', ['cache']);
  }

  /**
   * Starts the type-check worker threads at boot (each parses the TypeScript standard library
   * once), so the first compile is as fast as the next.
   */
  async onModuleInit(): Promise<void> {
    await useToolTypeChecker(this.options.typecheck ?? DEFAULT_TYPECHECK_OPTIONS);
  }

  async onModuleDestroy(): Promise<void> {
    await closeToolTypeChecker();
  }

  /**
   * Compiles a blueprint version into a content-addressed artifact and stores it. A source
   * already compiled by this compiler version is not compiled again (`cached: true`): the
   * source key is looked up in Redis, then PostgreSQL.
   */
  async compile(tenantId: TenantId, request: CompileRequest): Promise<MessageInitShape<typeof CompileReplySchema>> {
    const started = performance.now();
    const stop = this.compileDuration.startTimer();
    let outcome = 'error';
    try {
      let document: unknown;
      try {
        document = JSON.parse(request.documentJson);
      } catch {
        throw new AppError(ErrorCode.InvalidDocument, 'document_json is not valid JSON', { path: '/documentJson' });
      }
      const canonicalDocument = canonicalJson(document);
      const name = request.blueprintName || nameOf(document);
      if (!name) throw AppError.invalid('blueprint name is missing (blueprint_name or metadata.name)', '/blueprintName');
      const identity = { name, version: request.blueprintVersion, contentHash: request.contentHash || sha256(canonicalDocument) };
      const sourceKey = sha256(canonicalJson({ compiler: COMPILER_VERSION, identity, document: sha256(canonicalDocument) }));

      const known = await this.knownHash(tenantId, sourceKey);
      if (known) {
        outcome = 'cached';
        return { artifactHash: known, compileMs: performance.now() - started, cached: true };
      }
      const artifact = await compileBlueprint(document, identity);
      const json = canonicalJson(artifact);
      const hash = sha256(json);
      const stored = await this.artifacts.insert(tenantId, { hash, blueprintName: identity.name, blueprintVersion: identity.version, json, sourceKey, compilerVersion: COMPILER_VERSION });
      await this.fill(tenantId, stored, sourceKey);
      outcome = 'compiled';
      const compileMs = performance.now() - started;
      this.logger.info({ blueprint: identity.name, version: identity.version, artifactHash: hash, size: json.length, compileMs }, 'blueprint compiled');
      return { artifactHash: hash, compileMs, cached: false };
    } finally {
      stop({ outcome });
    }
  }

  /**
   * Compiles a stored blueprint version (0 = latest), fetched from the blueprints service. A
   * version the validation service found invalid is refused like a deployment of it would be.
   */
  async compileStored(tenantId: TenantId, request: CompileBlueprintRequest): Promise<MessageInitShape<typeof CompileReplySchema>> {
    if (!BLUEPRINT_NAME.test(request.name)) throw AppError.invalid(`"${request.name}" is not a valid blueprint name`, '/name');
    if (!Number.isInteger(request.version) || request.version < 0) throw AppError.invalid('version must be 0 (latest) or a positive integer', '/version');
    let blueprint;
    try {
      blueprint = (await this.bus.request('af.v1.blueprints.get', { name: request.name, version: request.version }, { tenantId })).blueprint;
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.NotFound) throw new AppError(ErrorCode.NotFound, error.message, { path: request.version > 0 && error.path === '/version' ? '/version' : '/name', cause: error });
      throw error;
    }
    if (!blueprint) throw new AppError(ErrorCode.Unavailable, `the blueprints service returned no blueprint for ${request.name}`);
    if (blueprint.validation && !blueprint.validation.valid) {
      throw new AppError(ErrorCode.ValidationFailed, `blueprint ${blueprint.name} version ${blueprint.version} is not valid and cannot be compiled`, {
        path: '/version',
        details: toJson(ValidationReportSchema, blueprint.validation, { alwaysEmitImplicit: true }),
      });
    }
    return this.compile(tenantId, { $typeName: 'af.v1.CompileRequest', blueprintName: blueprint.name, blueprintVersion: blueprint.version, contentHash: blueprint.contentHash, documentJson: blueprint.documentJson });
  }

  /** The canonical JSON of one of the tenant's artifacts; another tenant's is "not found". */
  async get(tenantId: TenantId, artifactHash: string): Promise<MessageInitShape<typeof ArtifactReplySchema>> {
    const stored = await this.load(tenantId, artifactHash);
    return {
      artifactHash: stored.hash,
      blueprintName: stored.blueprintName,
      blueprintVersion: stored.blueprintVersion,
      artifactJson: stored.json,
      createdAt: stored.createdAt.toISOString(),
    };
  }

  /** What an artifact is (identity, size, compiler, tool names), without its code. */
  async describe(tenantId: TenantId, artifactHash: string): Promise<MessageInitShape<typeof ArtifactMetadataReplySchema>> {
    const stored = await this.load(tenantId, artifactHash);
    const tools = (JSON.parse(stored.json) as { tools?: { name?: unknown }[] }).tools ?? [];
    return {
      artifactHash: stored.hash,
      blueprintName: stored.blueprintName,
      blueprintVersion: stored.blueprintVersion,
      size: stored.size,
      createdAt: stored.createdAt.toISOString(),
      compilerVersion: stored.compilerVersion,
      toolNames: tools.map((t) => String(t.name)),
    };
  }

  /** An artifact by hash: Redis, then PostgreSQL (which refills Redis). */
  private async load(tenantId: TenantId, artifactHash: string): Promise<StoredArtifact> {
    if (!ARTIFACT_HASH.test(artifactHash)) throw AppError.notFound(`artifact ${artifactHash}`, '/artifactHash');
    const hot = await this.fromRedis('artifact', () => this.hot.findArtifact(tenantId, artifactHash));
    if (hot) return hot;
    const stored = await this.artifacts.find(tenantId, artifactHash);
    this.cache.inc({ op: 'artifact', layer: 'postgres', result: stored ? 'hit' : 'miss' });
    if (!stored) throw AppError.notFound(`artifact ${artifactHash}`, '/artifactHash');
    await this.fill(tenantId, stored);
    return stored;
  }

  /** The artifact hash an earlier compile of this source produced: Redis, then PostgreSQL. */
  private async knownHash(tenantId: TenantId, sourceKey: string): Promise<string | null> {
    const hot = await this.fromRedis('compile', () => this.hot.findHashBySource(tenantId, sourceKey));
    if (hot) return hot;
    const known = await this.artifacts.findHashBySource(tenantId, sourceKey);
    this.cache.inc({ op: 'compile', layer: 'postgres', result: known ? 'hit' : 'miss' });
    if (known) await this.remember(() => this.hot.saveSource(tenantId, sourceKey, known, this.options.cacheTtlSeconds));
    return known;
  }

  /** Redis is a cache: when it fails, the lookup falls through to PostgreSQL (counted as an error). */
  private async fromRedis<T>(op: CacheOp, read: () => Promise<T | null>): Promise<T | null> {
    const layer: CacheLayer = 'redis';
    try {
      const value = await read();
      this.cache.inc({ op, layer, result: value ? 'hit' : 'miss' });
      return value;
    } catch (error) {
      this.cache.inc({ op, layer, result: 'error' });
      this.cacheErrors.inc({ cache: 'artifact' });
      this.logger.warn({ err: error, op }, 'artifact cache (Redis) read failed; using PostgreSQL');
      return null;
    }
  }

  private async fill(tenantId: TenantId, stored: StoredArtifact, sourceKey?: string): Promise<void> {
    const ttl = this.options.cacheTtlSeconds;
    await this.remember(() => this.hot.saveArtifact(tenantId, stored, ttl));
    if (sourceKey) await this.remember(() => this.hot.saveSource(tenantId, sourceKey, stored.hash, ttl));
  }

  private async remember(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.cacheErrors.inc({ cache: 'artifact' });
      this.logger.warn({ err: error }, 'artifact cache (Redis) write failed');
    }
  }
}

function nameOf(document: unknown): string | undefined {
  const metadata = (document as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
}
