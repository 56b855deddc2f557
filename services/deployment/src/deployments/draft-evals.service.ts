import { Inject, Injectable } from '@nestjs/common';
import { toJson, type MessageInitShape } from '@bufbuild/protobuf';
import { ValidationReportSchema, type DraftEvalsReplySchema, type DraftEvalsRequest, type TenantId } from '@af/contracts';
import { canonicalJson, DNS_LABEL } from '@af/blueprint-format';
import { AppError, ErrorCode } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { REAL_WORLD_VALIDATION_FINDING } from './deployment-approvals.js';
import { DEPLOYMENT_OPTIONS, type DeploymentOptions } from './deployment.options.js';
import { DeploymentSwitchboard } from './deployment-switchboard.js';

/** The name of the case an ad-hoc input becomes. */
export const AD_HOC_CASE = 'ad-hoc';
/** Largest ad-hoc input, as JSON (UTF-8 bytes). */
export const MAX_AD_HOC_INPUT_BYTES = 65_536;
/** The version a draft is compiled and reported as (no stored version has it). */
const DRAFT_VERSION = 0;

type Document = { spec?: { evals?: unknown } } & Record<string, unknown>;

/**
 * af.v1.deployments.evals.draft: a draft tested before it is saved, through the path a saved
 * version takes (af.v1.deployments.evals.run) — parsed, normalized and validated for the caller by
 * the blueprints service exactly as saving would (af.v1.blueprints.source.validate), compiled as
 * version 0 (the artifact is content-addressed: the same draft compiles once), its evals run by
 * one worker in the production sandbox (effects of external/realWorld tools are not made). An
 * ad-hoc input is appended as one more case, `ad-hoc`, without expectation (the worker checks
 * such a case against `{}`: it fails only when its run fails) — its output is the case's output.
 * Nothing is stored as a blueprint version and nothing is deployed.
 *
 * Bounds: the draft's size and shape are the blueprint limits of the blueprints service; the
 * cases are the format's evals plus one, and the worker refuses more than it runs per request;
 * the worker call waits as long as af.v1.deployments.evals.run does (DEPLOYMENT_EVAL_TIMEOUT_MS).
 */
@Injectable()
export class DraftEvalsService {
  constructor(
    private readonly bus: MessageBus,
    private readonly switchboard: DeploymentSwitchboard,
    @Inject(DEPLOYMENT_OPTIONS) private readonly options: DeploymentOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async test(tenantId: TenantId, request: DraftEvalsRequest): Promise<MessageInitShape<typeof DraftEvalsReplySchema>> {
    if (!DNS_LABEL.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    const input = adHocInput(request.inputJson);
    const checked = await this.bus.request('af.v1.blueprints.source.validate', { source: request.source, format: request.format, ...(request.caller ? { caller: request.caller } : {}) }, { tenantId });
    const report = checked.report;
    // As for a deploy, "realWorld needs an Administrator" does not stop a test: evals make no real-world effects.
    const blocking = report ? report.errors.filter((e) => !(e.tier === 'policy' && e.code === REAL_WORLD_VALIDATION_FINDING)) : [];
    if (!report || !checked.documentJson || (!report.valid && blocking.length > 0)) {
      throw new AppError(ErrorCode.ValidationFailed, `the draft of ${request.agent} is not valid for this caller and cannot be tested`, {
        path: blocking[0]?.path ?? '',
        details: report ? toJson(ValidationReportSchema, report, { alwaysEmitImplicit: true }) : { valid: false, errors: [], warnings: [], suggestions: [] },
      });
    }
    if (checked.name !== request.agent) throw AppError.invalid(`metadata.name "${checked.name}" does not match the agent "${request.agent}" being tested`, '/metadata/name');

    const document = JSON.parse(checked.documentJson) as Document;
    const evals = Array.isArray(document.spec?.evals) ? (document.spec.evals as unknown[]) : [];
    if (input !== undefined) {
      if (evals.some((e) => (e as { name?: unknown } | null)?.name === AD_HOC_CASE)) {
        throw AppError.invalid(`the draft already has an eval named "${AD_HOC_CASE}" (the name of the ad-hoc input's case): rename it to test an ad-hoc input`, '/input');
      }
      // No `expect`: nothing to hold but the run itself; the output is shown.
      document.spec = { ...document.spec, evals: [...evals, { name: AD_HOC_CASE, input }] };
    }
    const total = evals.length + (input === undefined ? 0 : 1);
    const compiled = await this.bus.request('af.v1.compilation.compile', { blueprintName: request.agent, blueprintVersion: DRAFT_VERSION, contentHash: '', documentJson: canonicalJson(document) }, { tenantId });
    if (!compiled.artifactHash) throw new AppError(ErrorCode.Unavailable, `compilation of the draft of ${request.agent} returned no artifact`);
    if (total === 0) {
      return { report: { agent: request.agent, version: DRAFT_VERSION, artifactHash: compiled.artifactHash, passed: true, total: 0, failed: 0, cases: [] }, validation: report };
    }
    const evaluated = (await this.bus.request('af.v1.workers.evals.run', { agent: request.agent, version: DRAFT_VERSION, artifactHash: compiled.artifactHash }, { tenantId, timeoutMs: this.options.evalTimeoutMs })).report;
    if (!evaluated) throw new AppError(ErrorCode.Unavailable, 'the worker returned no eval report');
    this.switchboard.countEvalCases(evaluated);
    this.logger.info({ agent: request.agent, artifactHash: compiled.artifactHash, total: evaluated.total, failed: evaluated.failed, adHoc: input !== undefined, caller: request.caller?.subject }, 'draft tested');
    return { report: evaluated, validation: report };
  }
}

/** The ad-hoc input (undefined: none), or INVALID at /input. */
function adHocInput(json: string): unknown {
  if (json === '') return undefined;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_AD_HOC_INPUT_BYTES) throw AppError.invalid(`the ad-hoc input may have at most ${MAX_AD_HOC_INPUT_BYTES} bytes as JSON, has ${bytes}`, '/input');
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw AppError.invalid('input_json is not valid JSON', '/input');
  }
}
