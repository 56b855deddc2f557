import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { SECRET_NAME, SECRET_VALUE_MAX_BYTES, isSecretName } from '@af/blueprint-format';
import type {
  Caller,
  GetSecretRequest,
  ListSecretsReplySchema,
  PutSecretRequest,
  ResolveSecretsReplySchema,
  ResolveSecretsRequest,
  SecretReplySchema,
  TenantId,
} from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { IntegrityError } from '../crypto/aes-gcm.js';
import { openValue, sealValue } from '../crypto/secret-cipher.js';
import { DataKeys } from './data-keys.js';
import { SecretRepository, type SealedSecretRow } from './secret.repository.js';
import { SecretsMetrics, type ResolutionOutcome } from './secrets.metrics.js';
import { toSecretMetadata } from './secret.view.js';

type SecretReply = MessageInitShape<typeof SecretReplySchema>;

export const MAX_DESCRIPTION_CHARS = 500;
export const MAX_RESOLVE_NAMES = 32;
/** Secrets per tenant: keeps list (one reply, no pages) well under the NATS payload limit. */
export const MAX_SECRETS_PER_TENANT = 500;
const MAX_REF_CHARS = 256;
const MAX_ACTOR_CHARS = 256;

/**
 * Tenant secrets, envelope-encrypted: put (create or rotate), get/list (metadata), delete, and
 * resolve (the values, for the worker only — NATS permissions). A value never appears in a reply
 * other than resolve's, in a log line, an error or an audit record.
 */
@Injectable()
export class SecretService {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly keys: DataKeys,
    private readonly audit: AuditTrail,
    private readonly metrics: SecretsMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async put(tenantId: TenantId, request: PutSecretRequest): Promise<SecretReply> {
    const name = secretName(request.name, '/name');
    const size = Buffer.byteLength(request.value, 'utf8');
    if (size < 1 || size > SECRET_VALUE_MAX_BYTES) throw AppError.invalid(`value must be 1 to ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8 (got ${size})`, '/value');
    if (request.description.length > MAX_DESCRIPTION_CHARS) throw AppError.invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters (got ${request.description.length})`, '/description');
    const actor = actorOf(request.caller);
    const put = await this.secrets.put(tenantId, name, { description: request.description, size, updatedBy: actor }, MAX_SECRETS_PER_TENANT, {
      createKey: () => this.keys.create(tenantId),
      seal: async (key, version) => {
        const { result, rewrapped } = await this.keys.using(tenantId, key, (dek) => sealValue(dek, { tenantId, name, version }, request.value));
        return { sealed: result, rewrapped };
      },
    });
    if (put.keyCreated) this.metrics.keyCreated(put.keyCreated.masterKeyId);
    if (put.rewrapped) this.metrics.keyRewrapped(put.rewrapped.from, put.rewrapped.to.masterKeyId);
    const row = put.row;
    await this.audit.record({
      action: 'secret.set',
      actor,
      resourceType: 'secret',
      resourceId: name,
      outcome: 'success',
      eventId: `secret.set:${name}:${row.version}:${row.updatedAt.getTime()}`,
      details: { name, version: row.version, size: row.size, created: row.version === 1 },
    });
    this.logger.info({ secretName: name, version: row.version }, row.version === 1 ? 'secret created' : 'secret rotated');
    return { secret: toSecretMetadata(row) };
  }

  async get(tenantId: TenantId, request: GetSecretRequest): Promise<SecretReply> {
    const name = secretName(request.name, '/name');
    const row = await this.secrets.find(tenantId, name);
    if (!row) throw AppError.notFound(`secret "${name}"`, '/name');
    return { secret: toSecretMetadata(row) };
  }

  async list(tenantId: TenantId): Promise<MessageInitShape<typeof ListSecretsReplySchema>> {
    return { items: (await this.secrets.list(tenantId)).map(toSecretMetadata) };
  }

  async delete(tenantId: TenantId, request: GetSecretRequest): Promise<SecretReply> {
    const name = secretName(request.name, '/name');
    const row = await this.secrets.delete(tenantId, name);
    if (!row) throw AppError.notFound(`secret "${name}"`, '/name');
    const actor = actorOf(request.caller);
    await this.audit.record({
      action: 'secret.deleted',
      actor,
      resourceType: 'secret',
      resourceId: name,
      outcome: 'success',
      eventId: `secret.deleted:${name}:${row.version}:${row.updatedAt.getTime()}`,
      details: { name, version: row.version },
    });
    this.logger.info({ secretName: name, version: row.version }, 'secret deleted');
    return { secret: toSecretMetadata(row) };
  }

  async resolve(tenantId: TenantId, request: ResolveSecretsRequest): Promise<MessageInitShape<typeof ResolveSecretsReplySchema>> {
    let outcome: ResolutionOutcome = 'error';
    try {
      const reply = await this.resolveValues(tenantId, request);
      outcome = 'ok';
      return reply;
    } catch (error) {
      if (error instanceof SecretIntegrityError) outcome = 'integrity_failed';
      else if (error instanceof AppError && error.code === ErrorCode.InvalidArgument) outcome = 'invalid';
      else if (error instanceof AppError && error.code === ErrorCode.NotFound) outcome = 'not_found';
      throw error;
    } finally {
      this.metrics.resolutions.inc({ outcome });
    }
  }

  private async resolveValues(tenantId: TenantId, request: ResolveSecretsRequest): Promise<MessageInitShape<typeof ResolveSecretsReplySchema>> {
    if (request.names.length < 1 || request.names.length > MAX_RESOLVE_NAMES) throw AppError.invalid(`names must list 1 to ${MAX_RESOLVE_NAMES} secrets (got ${request.names.length})`, '/names');
    const names = [...new Set(request.names.map((n, i) => secretName(n, `/names/${i}`)))];
    const runId = bounded(request.runId, '/runId');
    const stepId = bounded(request.stepId, '/stepId');
    const { key, rows } = await this.secrets.sealed(tenantId, names);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length > 0) {
      throw new AppError(ErrorCode.NotFound, `${missing.length === 1 ? 'secret' : 'secrets'} ${missing.map((n) => `"${n}"`).join(', ')} not found`, {
        path: `/names/${request.names.indexOf(missing[0]!)}`,
        details: { missing },
      });
    }
    // Every named secret exists, so the tenant's data key does too (secrets reference it).
    const { result: items, rewrapped } = await this.keys.using(tenantId, key!, (dek) => names.map((name) => ({ name, version: byName.get(name)!.version, value: this.open(dek, tenantId, byName.get(name)!) })));
    if (rewrapped && (await this.secrets.rewrapKey(tenantId, key!.masterKeyId, rewrapped))) {
      this.metrics.keyRewrapped(key!.masterKeyId, rewrapped.masterKeyId);
      this.logger.info({ from: key!.masterKeyId, to: rewrapped.masterKeyId }, "tenant's data key re-wrapped under the active master key");
    }
    await this.audit.record({
      action: 'secret.resolved',
      actor: 'system:worker',
      resourceType: 'secret',
      resourceId: names.join(',').slice(0, 256),
      outcome: 'success',
      details: { names, versions: items.map((i) => i.version), runId, stepId },
    });
    return { items };
  }

  private open(dek: Buffer, tenantId: string, row: SealedSecretRow): string {
    try {
      return openValue(dek, { tenantId, name: row.name, version: row.version }, row.sealed);
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      this.logger.error({ secretName: row.name, version: row.version }, 'stored secret failed its integrity check: ciphertext or its row altered at rest');
      throw new SecretIntegrityError(row.name, row.version);
    }
  }
}

/** A stored value that does not decrypt under its own tenant, name and version: altered or moved at rest (INTERNAL; never the garbage bytes). */
export class SecretIntegrityError extends AppError {
  constructor(name: string, version: number) {
    super(ErrorCode.Internal, `secret "${name}" (version ${version}) failed its integrity check: the stored ciphertext was altered or moved; put the secret again`, { details: { name, version } });
  }
}

function secretName(value: string, path: string): string {
  const length = value.length;
  if (!isSecretName(value)) {
    throw AppError.invalid(`a secret name must match ${SECRET_NAME.source} (a letter, then up to 127 letters, digits, '_', '.' or '-')${length > 0 ? `; got ${length} characters` : ''}`, path);
  }
  return value;
}

function bounded(value: string, path: string): string {
  if (value.length > MAX_REF_CHARS) throw AppError.invalid(`${path.slice(1)} must be at most ${MAX_REF_CHARS} characters`, path);
  return value;
}

function actorOf(caller: Caller | undefined): string {
  const subject = caller?.subject ?? '';
  if (subject.length > MAX_ACTOR_CHARS) throw AppError.invalid(`caller.subject must be at most ${MAX_ACTOR_CHARS} characters`, '/caller/subject');
  return subject || 'anonymous';
}
