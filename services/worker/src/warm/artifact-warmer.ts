import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { TenantId, WarmArtifactReplySchema, WarmArtifactRequest } from '@af/contracts';
import { AppError } from '@af/errors';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@af/messaging';
import { MetricsRegistry } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';
import { ArtifactRepository } from '../artifacts/artifact.repository.js';
import type { Artifact } from '../artifacts/artifact.js';
import { SchemaValidator } from '../runs/schema-validator.js';
import { Toolbox } from '../tools/toolbox.js';

export type WarmReason = 'request' | 'watch';

const ARTIFACT_HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * Makes an artifact warm on this worker before runs reach it: fetched into the artifact cache,
 * its tools built, the isolate of its code tools created and their scripts compiled (no tool code
 * runs: Sandbox.prepare), and its input, output and tool input schemas compiled into the
 * validator cache — what the first run would otherwise pay. Idempotent; one warm-up at a time per
 * artifact (concurrent requests for the same one share it).
 */
@Injectable()
export class ArtifactWarmer {
  private readonly inFlight = new Map<string, Promise<{ fetched: boolean; warmedInMs: number }>>();
  private readonly warmed: Counter<'reason' | 'outcome'>;
  private readonly duration: Histogram<'reason'>;

  constructor(
    private readonly artifacts: ArtifactRepository,
    private readonly toolbox: Toolbox,
    private readonly schemas: SchemaValidator,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    metrics: MetricsRegistry,
  ) {
    this.warmed = metrics.counter('af_worker_artifacts_warmed_total', 'Artifact warm-ups, by reason (request: af.v1.workers.artifacts.warm, watch: a registry change) and outcome (fetched, warm: it was warm already, failed)', ['reason', 'outcome']);
    this.duration = metrics.histogram('af_worker_artifact_warm_seconds', 'Time to warm an artifact (fetch, isolate, scripts, schemas)', ['reason'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  /** af.v1.workers.artifacts.warm: warms it and says how long it took and whether it had to be fetched. */
  async request(tenantId: TenantId, request: WarmArtifactRequest): Promise<MessageInitShape<typeof WarmArtifactReplySchema>> {
    if (!ARTIFACT_HASH.test(request.artifactHash)) throw AppError.invalid('artifact_hash must be sha256:<64 hex digits>', '/artifactHash');
    const { fetched, warmedInMs } = await this.warm(tenantId, request.artifactHash, 'request');
    return { workerId: this.messaging.instanceId, artifactHash: request.artifactHash, warmedInMs, fetched };
  }

  /** Warms the artifact (shared with a warm-up of it already under way). Throws what fetching it throws (NOT_FOUND, UNAVAILABLE). */
  warm(tenantId: TenantId, hash: string, reason: WarmReason): Promise<{ fetched: boolean; warmedInMs: number }> {
    const key = `${tenantId}/${hash}`;
    let running = this.inFlight.get(key);
    if (!running) {
      running = this.warmNow(tenantId, hash, reason).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    return running;
  }

  private async warmNow(tenantId: TenantId, hash: string, reason: WarmReason): Promise<{ fetched: boolean; warmedInMs: number }> {
    const started = performance.now();
    const fetched = !this.artifacts.has(tenantId, hash);
    try {
      const artifact = await this.artifacts.get(tenantId, hash);
      // Builds the tools as a run does (an artifact with a tool it cannot build fails here, not in a run).
      this.toolbox.toolsOf(artifact);
      const code = artifact.tools.filter((t) => t.kind === 'code' && t.code && t.globalName).map((t) => ({ name: t.name, code: t.code!, globalName: t.globalName! }));
      if (code.length > 0) await this.toolbox.sandbox.prepare(`${tenantId}/${artifact.hash}`, code);
      this.compileSchemas(artifact);
    } catch (error) {
      this.warmed.inc({ reason, outcome: 'failed' });
      throw error;
    }
    const warmedInMs = performance.now() - started;
    this.warmed.inc({ reason, outcome: fetched ? 'fetched' : 'warm' });
    this.duration.observe({ reason }, warmedInMs / 1000);
    return { fetched, warmedInMs };
  }

  /** Validating once compiles a schema into the validator cache (the result does not matter). */
  private compileSchemas(artifact: Artifact): void {
    for (const schema of [artifact.input.schema, artifact.output.schema, ...artifact.tools.map((t) => t.inputSchema)]) {
      if (schema) this.schemas.validate(schema, null);
    }
  }
}
