import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter } from 'prom-client';
import type {
  ArchiveBlueprintReplySchema,
  ArchiveBlueprintRequest,
  BlueprintDiffReplySchema,
  BlueprintValidationReplySchema,
  BlueprintVersionReplySchema,
  Caller,
  CreateBlueprintRequest,
  DiffBlueprintRequest,
  GetBlueprintRequest,
  ListBlueprintsReplySchema,
  ListBlueprintsRequest,
  ListBlueprintVersionsReplySchema,
  ListBlueprintVersionsRequest,
  TenantId,
  UpdateBlueprintRequest,
  ValidateBlueprintSourceRequest,
  ValidateStoredBlueprintRequest,
} from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail, MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { parseBlueprintSource, parseFormat, type SourceFormat } from '../documents/blueprint-source.js';
import { canonicalJson, contentHashOf, DNS_LABEL } from '@af/blueprint-format';
import { normalizeBlueprint } from '../documents/normalize.js';
import { structuralDiff } from '../documents/structural-diff.js';
import { decodeCursor, encodeCursor, freeText, pageSize, parseLabelSelector } from './blueprint-query.js';
import { BlueprintRepository, type ArchiveEvent, type NewVersion, type StoredVersion } from './blueprint.repository.js';
import { BLUEPRINTS_OPTIONS, type BlueprintsOptions } from './blueprints.options.js';
import { ValidationClient } from './validation.client.js';

type Reply = MessageInitShape<typeof BlueprintVersionReplySchema>;
type ValidationReply = MessageInitShape<typeof BlueprintValidationReplySchema>;

const NAME = DNS_LABEL;

@Injectable()
export class BlueprintService {
  private readonly versions: Counter<'operation' | 'outcome'>;
  private readonly events: Counter<'result'>;

  constructor(
    private readonly blueprints: BlueprintRepository,
    private readonly validation: ValidationClient,
    private readonly bus: MessageBus,
    private readonly audit: AuditTrail,
    @Inject(BLUEPRINTS_OPTIONS) private readonly options: BlueprintsOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.versions = metrics.counter('af_blueprint_requests_total', 'Blueprint create/update requests, by outcome', ['operation', 'outcome']);
    this.events = metrics.counter('af_blueprint_events_published_total', 'af.v1.blueprints.event.* publishes (versioned, archived, restored), by result', ['result']);
  }

  async create(tenantId: TenantId, request: CreateBlueprintRequest): Promise<Reply> {
    return this.counted('create', async () => {
      const prepared = await this.prepare(tenantId, request.source, request.format, request.caller);
      const stored = await this.blueprints.createFirst(tenantId, prepared);
      if (stored === 'exists') {
        throw new AppError(ErrorCode.Conflict, `blueprint "${prepared.name}" already exists; update it to add a version`, { path: '/metadata/name' });
      }
      if (stored === 'archived') {
        throw new AppError(ErrorCode.Conflict, `blueprint "${prepared.name}" exists but is archived; update it (PUT) to restore it with a new version`, { path: '/metadata/name' });
      }
      await this.publishVersioned(stored);
      return { blueprint: toMessage(stored), created: true };
    });
  }

  async update(tenantId: TenantId, request: UpdateBlueprintRequest): Promise<Reply> {
    return this.counted('update', async () => {
      if (!NAME.test(request.name)) throw AppError.invalid(`"${request.name}" is not a blueprint name (DNS label)`, '/name');
      if (request.expectedVersion < 0) throw AppError.invalid('expected_version must be ≥ 0', '/expected_version');
      // Cheap checks before asking validation; the transaction re-checks both.
      const latest = await this.blueprints.latestVersion(tenantId, request.name);
      if (latest === null) throw AppError.notFound(`blueprint "${request.name}"`, '/name');
      if (request.expectedVersion > 0 && request.expectedVersion !== latest) throw versionConflict(request.name, request.expectedVersion, latest);

      const prepared = await this.prepare(tenantId, request.source, request.format, request.caller, request.name);
      const outcome = await this.blueprints.appendVersion(tenantId, prepared, request.expectedVersion);
      switch (outcome.kind) {
        case 'not_found':
          throw AppError.notFound(`blueprint "${request.name}"`, '/name');
        case 'conflict':
          throw versionConflict(request.name, request.expectedVersion, outcome.latestVersion);
        case 'unchanged':
          if (outcome.restored) await this.publishArchiveChanged(outcome.restored);
          // Also heals a version whose event was not published yet (same msgId: stored once).
          if (!outcome.version.publishedAt) await this.publishVersioned(outcome.version);
          return { blueprint: toMessage(outcome.version), created: false };
        case 'created':
          if (outcome.restored) await this.publishArchiveChanged(outcome.restored);
          await this.publishVersioned(outcome.version);
          return { blueprint: toMessage(outcome.version), created: true };
      }
    });
  }

  async get(tenantId: TenantId, request: GetBlueprintRequest): Promise<Reply> {
    if (request.version < 0) throw AppError.invalid('version must be ≥ 0 (0 = latest)', '/version');
    return { blueprint: toMessage(await this.findOrFail(tenantId, request.name, request.version, '/version')), created: false };
  }

  /** A page of the tenant's blueprints (latest versions), filtered by labels and text, by name. */
  async list(tenantId: TenantId, request: ListBlueprintsRequest): Promise<MessageInitShape<typeof ListBlueprintsReplySchema>> {
    const limit = pageSize(request.limit);
    const rows = await this.blueprints.list(tenantId, {
      labels: parseLabelSelector(request.labelSelector),
      text: freeText(request.query),
      includeArchived: request.includeArchived,
      after: decodeCursor(request.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        name: r.name,
        latestVersion: r.latestVersion,
        description: r.description,
        labels: r.labels,
        contentHash: r.contentHash,
        author: r.author,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        archivedAt: r.archivedAt?.toISOString() ?? '',
        valid: r.valid,
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.name) : '',
    };
  }

  async listVersions(tenantId: TenantId, request: ListBlueprintVersionsRequest): Promise<MessageInitShape<typeof ListBlueprintVersionsReplySchema>> {
    const found = NAME.test(request.name) ? await this.blueprints.listVersions(tenantId, request.name) : null;
    if (!found) throw AppError.notFound(`blueprint "${request.name}"`, '/name');
    return {
      name: request.name,
      archivedAt: found.archivedAt?.toISOString() ?? '',
      versions: found.versions.map((v) => ({ version: v.version, contentHash: v.contentHash, author: v.author, createdAt: v.createdAt.toISOString(), valid: v.valid })),
    };
  }

  /** Structural diff from one version to another (to 0 = latest). */
  async diff(tenantId: TenantId, request: DiffBlueprintRequest): Promise<MessageInitShape<typeof BlueprintDiffReplySchema>> {
    if (!Number.isInteger(request.fromVersion) || request.fromVersion < 1) throw AppError.invalid('from_version must be a positive version number', '/from_version');
    if (request.toVersion < 0) throw AppError.invalid('to_version must be ≥ 0 (0 = latest)', '/to_version');
    const to = await this.findOrFail(tenantId, request.name, request.toVersion, '/to_version');
    const from = await this.findOrFail(tenantId, request.name, request.fromVersion, '/from_version');
    return {
      name: request.name,
      fromVersion: from.version,
      toVersion: to.version,
      operations: structuralDiff(from.document, to.document).map((op) => ({
        op: op.op,
        path: op.path,
        fromJson: op.op === 'add' ? '' : canonicalJson(op.from),
        toJson: op.op === 'remove' ? '' : canonicalJson(op.to),
      })),
    };
  }

  /** Delete = archive: versions stay (runs and deployments keep their history); idempotent. */
  async archive(tenantId: TenantId, request: ArchiveBlueprintRequest): Promise<MessageInitShape<typeof ArchiveBlueprintReplySchema>> {
    if (!NAME.test(request.name)) throw AppError.notFound(`blueprint "${request.name}"`, '/name');
    if (request.expectedVersion < 0) throw AppError.invalid('expected_version must be ≥ 0', '/expected_version');
    const outcome = await this.blueprints.archive(tenantId, request.name, request.expectedVersion, request.caller?.subject ?? '');
    switch (outcome.kind) {
      case 'not_found':
        throw AppError.notFound(`blueprint "${request.name}"`, '/name');
      case 'conflict':
        throw versionConflict(request.name, request.expectedVersion, outcome.latestVersion);
      case 'archived':
        if (outcome.changed) this.logger.info({ name: request.name, by: request.caller?.subject }, 'blueprint archived');
        if (outcome.event) await this.publishArchiveChanged(outcome.event);
        return { name: request.name, latestVersion: outcome.latestVersion, archivedAt: outcome.archivedAt.toISOString(), changed: outcome.changed };
    }
  }

  /** Validates a stored version (0 = latest) for the calling principal: policy depends on who asks. */
  async validateStored(tenantId: TenantId, request: ValidateStoredBlueprintRequest): Promise<ValidationReply> {
    if (request.version < 0) throw AppError.invalid('version must be ≥ 0 (0 = latest)', '/version');
    const stored = await this.findOrFail(tenantId, request.name, request.version, '/version');
    const { report, cached } = await this.validation.check(tenantId, stored.document, request.caller);
    return { name: stored.name, version: stored.version, contentHash: stored.contentHash, report, cached };
  }

  /** Validates an unsaved source exactly as saving would see it (same parsing and defaults); stores nothing. The normalized document comes back too (a draft is compiled from it). */
  async validateSource(tenantId: TenantId, request: ValidateBlueprintSourceRequest): Promise<ValidationReply> {
    const document = this.documentOf(request.source, request.format);
    const { report, cached } = await this.validation.check(tenantId, document, request.caller);
    const name = declaredNameOf(document);
    return { name: typeof name === 'string' ? name : '', version: 0, contentHash: contentHashOf(document), report, cached, documentJson: canonicalJson(document) };
  }

  private async findOrFail(tenantId: TenantId, name: string, version: number, versionPath: string): Promise<StoredVersion> {
    if (!NAME.test(name)) throw AppError.notFound(`blueprint "${name}"`, '/name');
    const found = await this.blueprints.find(tenantId, name, version);
    if (found) return found;
    throw version > 0 && (await this.blueprints.latestVersion(tenantId, name)) !== null
      ? AppError.notFound(`version ${version} of blueprint "${name}"`, versionPath)
      : AppError.notFound(`blueprint "${name}"`, '/name');
  }

  private documentOf(source: string, formatText: string): Record<string, unknown> {
    return normalizeBlueprint(parseBlueprintSource(source, parseFormat(formatText), this.options.documents));
  }

  /**
   * Publishes the versioned event and its audit record (blueprint.created for version 1, else
   * blueprint.updated), then marks the outbox row; a failure is left to the relay, which sends both
   * again (deterministic msg ids: stored once).
   */
  async publishVersioned(version: StoredVersion): Promise<void> {
    const tenantId = version.tenantId as TenantId;
    try {
      await this.bus.publish(
        'af.v1.blueprints.event.versioned',
        { name: version.name, version: version.version, contentHash: version.contentHash, author: version.author },
        { msgId: `blueprint-versioned:${tenantId}:${version.name}:${version.version}`, tenantId },
      );
      // The audit record rides on the same outbox row: marked published only once both are on JetStream.
      const action = version.version === 1 ? 'blueprint.created' : 'blueprint.updated';
      await this.audit.record({
        action,
        actor: version.author || 'anonymous',
        resourceType: 'blueprint',
        resourceId: version.name,
        outcome: 'success',
        details: { version: version.version, contentHash: version.contentHash },
        eventId: `${action}:${version.name}:${version.version}`,
        tenantId,
        at: version.createdAt,
      });
      await this.blueprints.markPublished(tenantId, version.name, version.version);
      this.events.inc({ result: 'published' });
    } catch (error) {
      this.events.inc({ result: 'deferred' });
      this.logger.warn({ err: error, name: version.name, version: version.version }, 'versioned event not published yet; the outbox relay will retry');
    }
  }

  /**
   * Publishes af.v1.blueprints.event.archived|restored and its audit record (blueprint.archived |
   * blueprint.restored), then marks the outbox row; a failure is left to the relay. The deployment
   * service deactivates an archived agent's deployment.
   */
  async publishArchiveChanged(event: ArchiveEvent): Promise<void> {
    const tenantId = event.tenantId as TenantId;
    const subject = event.archived ? 'af.v1.blueprints.event.archived' : 'af.v1.blueprints.event.restored';
    try {
      await this.bus.publish(
        subject,
        { name: event.name, archived: event.archived, latestVersion: event.latestVersion, changedAt: event.changedAt.toISOString(), changedBy: event.changedBy, eventId: event.id },
        { msgId: `blueprint-archive-changed:${event.id}`, tenantId },
      );
      const action = event.archived ? 'blueprint.archived' : 'blueprint.restored';
      await this.audit.record({
        action,
        actor: event.changedBy || 'anonymous',
        resourceType: 'blueprint',
        resourceId: event.name,
        outcome: 'success',
        details: { latestVersion: event.latestVersion },
        eventId: `${action}:${event.id}`,
        tenantId,
        at: event.changedAt,
      });
      await this.blueprints.markArchiveEventPublished(tenantId, event.id);
      this.events.inc({ result: 'published' });
    } catch (error) {
      this.events.inc({ result: 'deferred' });
      this.logger.warn({ err: error, name: event.name, archived: event.archived }, 'archive event not published yet; the outbox relay will retry');
    }
  }

  /** Parse → normalize → (name check) → validate as the caller → hash. */
  private async prepare(tenantId: TenantId, source: string, formatText: string, caller: Caller | undefined, expectedName?: string): Promise<NewVersion> {
    const format: SourceFormat = parseFormat(formatText);
    const document = this.documentOf(source, format);
    const declaredName = declaredNameOf(document);
    if (expectedName !== undefined && typeof declaredName === 'string' && declaredName !== expectedName) {
      throw AppError.invalid(`metadata.name "${declaredName}" does not match the blueprint "${expectedName}" being updated`, '/metadata/name');
    }
    const report = await this.validation.validate(tenantId, document, caller);
    if (!report.valid) throw new AppError(ErrorCode.ValidationFailed, 'blueprint is invalid', { details: report, path: report.errors[0]?.path ?? '' });
    if (typeof declaredName !== 'string' || !NAME.test(declaredName)) {
      // Validation checks the name; refuse here too rather than store under a bad key.
      throw AppError.invalid('metadata.name must be a DNS label', '/metadata/name');
    }
    return { name: declaredName, contentHash: contentHashOf(document), document, source, format, author: caller?.subject || 'anonymous', validation: report };
  }

  private async counted(operation: 'create' | 'update', fn: () => Promise<Reply>): Promise<Reply> {
    try {
      const reply = await fn();
      this.versions.inc({ operation, outcome: reply.created ? 'created' : 'unchanged' });
      if (reply.blueprint) this.logger.info({ name: reply.blueprint.name, version: reply.blueprint.version, created: reply.created }, `blueprint ${operation}`);
      return reply;
    } catch (error) {
      this.versions.inc({ operation, outcome: error instanceof AppError ? error.code : ErrorCode.Internal });
      throw error;
    }
  }
}

function declaredNameOf(document: Record<string, unknown>): unknown {
  const metadata = document['metadata'];
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['name'] : undefined;
}

function versionConflict(name: string, expected: number, latest: number): AppError {
  return new AppError(ErrorCode.Conflict, `blueprint "${name}" is at version ${latest}, not ${expected}; fetch it and retry`, { path: '/expected_version', details: { latestVersion: latest } });
}

function toMessage(version: StoredVersion): NonNullable<Reply['blueprint']> {
  return {
    name: version.name,
    version: version.version,
    contentHash: version.contentHash,
    documentJson: canonicalJson(version.document),
    author: version.author,
    createdAt: version.createdAt.toISOString(),
    validation: version.validation,
    archivedAt: version.archivedAt?.toISOString() ?? '',
  };
}
