import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter, Histogram } from 'prom-client';
import type { GetSchemaRequest, SchemaReplySchema, TenantId, ValidateBlueprintReplySchema, ValidateBlueprintRequest } from '@af/contracts';
import { AppError } from '@af/errors';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { BlueprintValidator, MAX_DEPTH, MAX_NODES, measure } from '../validator/blueprint-validator.js';
import { canonicalJson } from '@af/blueprint-format';
import { Findings, type PolicyCaller, type Report } from '../validator/findings.js';
import { blueprintSchema, blueprintSchemaText } from '../validator/schema-tier.js';
import { ValidationCacheRepository } from './validation-cache.repository.js';
import { VALIDATION_OPTIONS, type ValidationOptions } from './validation.options.js';

/** Bump when a rule changes meaning: cached reports of older rules are then never read. */
const RULES_REVISION = 'rules-2'; // rules-2: one JSON Schema dialect with RE2 patterns, capped findings with `omitted`
const RULES_VERSION = createHash('sha256').update(RULES_REVISION).update(JSON.stringify(blueprintSchema)).digest('hex').slice(0, 16);

/** The JSON Schemas this service publishes, by name, as the file holds them. */
const PUBLISHED_SCHEMAS: Readonly<Record<string, { json: string; contentHash: string }>> = {
  blueprint: { json: blueprintSchemaText, contentHash: `sha256:${createHash('sha256').update(blueprintSchemaText).digest('hex')}` },
};

@Injectable()
export class ValidationService {
  private readonly validator: BlueprintValidator;
  private readonly validations: Counter<'outcome'>;
  private readonly cacheLookups: Counter<'result'>;
  private readonly cacheErrors: Counter<'cache'>;
  private readonly duration: Histogram<'cached'>;

  constructor(
    private readonly cache: ValidationCacheRepository,
    @Inject(VALIDATION_OPTIONS) private readonly options: ValidationOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.validator = new BlueprintValidator({ modelProviders: options.modelProviders });
    this.validations = metrics.counter('af_validations_total', 'Blueprint validations, by outcome', ['outcome']);
    this.cacheLookups = metrics.counter('af_validation_cache_lookups_total', 'Validation report cache lookups (hit, miss, error)', ['result']);
    this.cacheErrors = metrics.counter('af_cache_errors_total', 'Failed reads and writes of an optional cache (Redis), each served as a miss', ['cache']);
    this.duration = metrics.histogram('af_validation_duration_seconds', 'Time to produce a validation report', ['cached'], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  }

  async validate(tenantId: TenantId, request: ValidateBlueprintRequest): Promise<MessageInitShape<typeof ValidateBlueprintReplySchema>> {
    const started = process.hrtime.bigint();
    const caller: PolicyCaller = { subject: request.caller?.subject ?? '', roles: request.caller?.roles ?? [], permissions: request.caller?.permissions ?? [] };
    const parsed = parseJson(request.documentJson);
    const key = parsed.ok ? cacheKeyOf(parsed.value, caller, this.options.modelProviders) : undefined;

    if (key) {
      const hit = await this.lookup(tenantId, key);
      if (hit) {
        this.finish(hit, true, started);
        return { report: hit, cached: true };
      }
    }
    const report = parsed.ok ? this.validator.validate(parsed.value, caller) : notJson(parsed.message);
    if (key) {
      await this.cache.save(tenantId, key, report, this.options.cacheTtlSeconds).catch((error: unknown) => {
        this.cacheErrors.inc({ cache: 'validation' });
        this.logger.warn({ err: error }, 'could not cache the validation report');
      });
    }
    this.finish(report, false, started);
    return { report, cached: false };
  }

  /** A published JSON Schema ('' = blueprint). */
  schema(request: GetSchemaRequest): MessageInitShape<typeof SchemaReplySchema> {
    const name = request.name || 'blueprint';
    const schema = Object.hasOwn(PUBLISHED_SCHEMAS, name) ? PUBLISHED_SCHEMAS[name] : undefined;
    if (!schema) throw AppError.notFound(`schema "${name}" (published: ${Object.keys(PUBLISHED_SCHEMAS).join(', ')})`, '/name');
    return { name, schemaJson: schema.json, contentHash: schema.contentHash };
  }

  private async lookup(tenantId: TenantId, key: string): Promise<Report | null> {
    try {
      const hit = await this.cache.find(tenantId, key);
      this.cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
      return hit;
    } catch (error) {
      // Redis down is not a reason to refuse validation: validate without the cache.
      this.cacheLookups.inc({ result: 'error' });
      this.cacheErrors.inc({ cache: 'validation' });
      this.logger.warn({ err: error }, 'validation cache unavailable');
      return null;
    }
  }

  private finish(report: Report, cached: boolean, started: bigint): void {
    this.validations.inc({ outcome: report.valid ? (report.warnings.length > 0 ? 'valid_with_warnings' : 'valid') : 'invalid' });
    this.duration.observe({ cached: String(cached) }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/**
 * sha256 over the canonical document and the policy context (sorted roles and permissions) and
 * the rules version and the configured model providers (a report naming them is stale once they
 * change). Documents beyond the validator's limits are not cached.
 */
export function cacheKeyOf(document: unknown, caller: PolicyCaller, modelProviders: readonly string[] = []): string | undefined {
  const size = measure(document);
  if (size.depth > MAX_DEPTH || size.nodes > MAX_NODES) return undefined;
  const policy = { roles: [...new Set(caller.roles)].sort(), permissions: [...new Set(caller.permissions)].sort() };
  try {
    return createHash('sha256').update(RULES_VERSION).update('\n').update(canonicalJson({ document, policy, ...(modelProviders.length > 0 ? { modelProviders: [...modelProviders].sort() } : {}) })).digest('hex');
  } catch {
    return undefined;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function notJson(message: string): Report {
  const findings = new Findings();
  findings.error('schema', 'DOCUMENT_NOT_JSON', '', `document_json is not valid JSON: ${message}`);
  return findings.report();
}
