import { Injectable } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';

/** How long a resolve may take before the tool call fails (the secrets service answers from PostgreSQL). */
export const RESOLVE_TIMEOUT_MS = 3_000;

/**
 * The secrets service's values, over `af.v1.secrets.resolve` (only the worker may call it). The
 * values are handed to the caller and nowhere else: never logged here, never cached here (the
 * fetch bridge keeps them for one step at most).
 */
@Injectable()
export class SecretsRepository {
  constructor(private readonly bus: MessageBus) {}

  /**
   * The current value of each named secret of the tenant. A name the tenant has no secret for is
   * NOT_FOUND naming it (also when the service answered without it).
   */
  async resolve(tenantId: TenantId, names: readonly string[], why: { runId: string; stepId: string }): Promise<Map<string, string>> {
    const wanted = [...new Set(names)].sort();
    let items: { name: string; value: string }[];
    try {
      items = (await this.bus.request('af.v1.secrets.resolve', { names: wanted, runId: why.runId, stepId: why.stepId }, { tenantId, timeoutMs: RESOLVE_TIMEOUT_MS })).items;
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === ErrorCode.NotFound) throw new AppError(ErrorCode.NotFound, `${appError.message} (set it with PUT /v1/secrets/{name})`, { path: appError.path, cause: error });
      throw new AppError(appError.code, `secrets ${wanted.join(', ')} could not be resolved: ${appError.message}`, { path: appError.path, cause: error });
    }
    const values = new Map(items.filter((i) => wanted.includes(i.name)).map((i) => [i.name, i.value]));
    const missing = wanted.filter((n) => !values.has(n));
    if (missing.length > 0) throw new AppError(ErrorCode.NotFound, `secret ${missing.map((n) => `"${n}"`).join(', ')} is not set for this tenant (set it with PUT /v1/secrets/${missing[0]})`, { details: { missing } });
    return values;
  }
}
