import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ArtifactReplySchema, CompileReplySchema, CompileRequest, TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import { ArtifactRepository } from './artifact.repository.js';
import { COMPILER_VERSION, compileBlueprint } from './blueprint.compiler.js';
import { canonicalJson, sha256 } from './canonical-json.js';

const ARTIFACT_HASH = /^sha256:[0-9a-f]{64}$/;

@Injectable()
export class ArtifactService {
  private readonly compileDuration: Histogram<'outcome'>;
  private readonly cache: Counter<'result'>;

  constructor(
    private readonly artifacts: ArtifactRepository,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.compileDuration = metrics.histogram('af_compilation_compile_duration_seconds', 'Blueprint compile duration (including the cache lookup)', ['outcome'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
    this.cache = metrics.counter('af_compilation_cache_total', 'Compile requests answered from stored artifacts (hit) or compiled (miss)', ['result']);
  }

  /**
   * Compiles a blueprint version into a content-addressed artifact and stores it. A source
   * already compiled by this compiler version is not compiled again (`cached: true`).
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

      const known = await this.artifacts.findHashBySource(tenantId, sourceKey);
      if (known) {
        outcome = 'cached';
        this.cache.inc({ result: 'hit' });
        return { artifactHash: known, compileMs: performance.now() - started, cached: true };
      }
      this.cache.inc({ result: 'miss' });
      const artifact = await compileBlueprint(document, identity);
      const json = canonicalJson(artifact);
      const hash = sha256(json);
      await this.artifacts.insert(tenantId, { hash, blueprintName: identity.name, blueprintVersion: identity.version, json, sourceKey, compilerVersion: COMPILER_VERSION });
      outcome = 'compiled';
      const compileMs = performance.now() - started;
      this.logger.info({ blueprint: identity.name, version: identity.version, artifactHash: hash, size: json.length, compileMs }, 'blueprint compiled');
      return { artifactHash: hash, compileMs, cached: false };
    } finally {
      stop({ outcome });
    }
  }

  /** The canonical JSON of one of the tenant's artifacts; another tenant's is "not found". */
  async get(tenantId: TenantId, artifactHash: string): Promise<MessageInitShape<typeof ArtifactReplySchema>> {
    if (!ARTIFACT_HASH.test(artifactHash)) throw AppError.notFound(`artifact ${artifactHash}`, '/artifactHash');
    const stored = await this.artifacts.find(tenantId, artifactHash);
    if (!stored) throw AppError.notFound(`artifact ${artifactHash}`, '/artifactHash');
    return {
      artifactHash: stored.hash,
      blueprintName: stored.blueprintName,
      blueprintVersion: stored.blueprintVersion,
      artifactJson: stored.json,
      createdAt: stored.createdAt.toISOString(),
    };
  }
}

function nameOf(document: unknown): string | undefined {
  const metadata = (document as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
}
