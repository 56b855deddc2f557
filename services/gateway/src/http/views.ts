import type { BlueprintVersion, Deployment, DeploymentTransition, EvalReport, Run, ValidationReport } from '@af/contracts';

const parseOr = (json: string, fallback: unknown): unknown => (json ? (JSON.parse(json) as unknown) : fallback);

export function validationView(report: ValidationReport | undefined) {
  const finding = (f: ValidationReport['errors'][number]) => ({ tier: f.tier, code: f.code, path: f.path, message: f.message, severity: f.severity });
  return {
    valid: report?.valid ?? false,
    errors: (report?.errors ?? []).map(finding),
    warnings: (report?.warnings ?? []).map(finding),
    suggestions: (report?.suggestions ?? []).map((s) => ({
      path: s.path,
      message: s.message,
      ...(s.replacementJson ? { replacement: parseOr(s.replacementJson, null) } : {}),
    })),
    omitted: report?.omitted ?? 0,
  };
}

export function blueprintView(b: BlueprintVersion | undefined, withDocument: boolean) {
  if (!b) return {};
  return {
    name: b.name,
    version: b.version,
    contentHash: b.contentHash,
    author: b.author,
    createdAt: b.createdAt,
    validation: validationView(b.validation),
    archivedAt: b.archivedAt || null,
    ...(withDocument ? { document: parseOr(b.documentJson, null) } : {}),
  };
}

export function evalReportView(r: EvalReport | undefined) {
  if (!r) return null;
  return {
    agent: r.agent,
    version: r.version,
    artifactHash: r.artifactHash,
    passed: r.passed,
    total: r.total,
    failed: r.failed,
    workerId: r.workerId || null,
    cases: r.cases.map((c) => ({ name: c.name, passed: c.passed, output: parseOr(c.outputJson, null), failures: c.failures, durationMs: c.durationMs, error: c.error || null })),
  };
}

export function deploymentTransitionView(t: DeploymentTransition) {
  return { from: t.fromStatus || null, to: t.toStatus, at: t.at, actor: t.actor, reason: t.reason, details: parseOr(t.detailsJson, null) };
}

/** A deployment with its lifecycle (transitions only from a get; a list leaves them empty). */
export function deploymentView(d: Deployment | undefined) {
  if (!d) return {};
  return {
    deploymentId: d.deploymentId,
    agent: d.agent,
    version: d.version,
    artifactHash: d.artifactHash,
    status: d.status,
    createdAt: d.createdAt,
    createdBy: d.createdBy,
    strategy: d.strategy || 'immediate',
    canaryPercent: d.canaryPercent,
    windowSeconds: d.windowSeconds,
    windowEndsAt: d.windowEndsAt || null,
    thresholds: { maxFailureRate: d.thresholds?.maxFailureRate ?? 0, maxP95Ms: d.thresholds?.maxP95Ms ?? 0, minRuns: d.thresholds?.minRuns ?? 0 },
    previousDeploymentId: d.previousDeploymentId || null,
    supersededAt: d.supersededAt || null,
    reason: d.reason || null,
    forced: d.forced,
    swapMs: d.swapMs || null,
    evalReport: evalReportView(d.evalReport),
    transitions: d.transitions.map(deploymentTransitionView),
  };
}

export function runView(r: Run | undefined) {
  if (!r) return {};
  return {
    runId: r.runId,
    agent: r.agent,
    version: r.version,
    artifactHash: r.artifactHash,
    status: r.status,
    input: parseOr(r.inputJson, null),
    output: parseOr(r.outputJson, null),
    error: r.error ? { code: r.error.code, message: r.error.message, ...(r.error.path ? { path: r.error.path } : {}), ...(r.error.detailsJson ? { details: parseOr(r.error.detailsJson, null) } : {}) } : null,
    attempts: r.attempts,
    toolCalls: r.toolCalls.map((c) => ({
      tool: c.tool,
      arguments: parseOr(c.argumentsJson, null),
      result: parseOr(c.resultJson, null),
      durationMs: c.durationMs,
      ...(c.error ? { error: c.error } : {}),
    })),
    usage: r.usage
      ? {
          provider: r.usage.provider,
          model: r.usage.model,
          inputTokens: r.usage.inputTokens,
          outputTokens: r.usage.outputTokens,
          costUsd: r.usage.costUsd,
          cachedInputTokens: r.usage.cachedInputTokens,
          calls: r.usage.calls.map((c) => ({ route: c.route, outcome: c.outcome, inputTokens: c.inputTokens, outputTokens: c.outputTokens, cachedInputTokens: c.cachedInputTokens, costUsd: c.costUsd, durationMs: c.durationMs, error: c.error, stepId: c.stepId })),
        }
      : null,
    traceId: r.traceId,
    correlationId: r.correlationId,
    createdAt: r.createdAt,
    startedAt: r.startedAt || null,
    finishedAt: r.finishedAt || null,
    priority: r.priority || 'normal',
    workerId: r.workerId || null,
    requestedBy: r.requestedBy || null,
    // While `waiting`: the escalation the run waits for (GET /v1/escalations/{id}).
    waitingFor: r.waitingFor || null,
    trigger: r.trigger || 'api',
    deploymentId: r.deploymentId || null,
    canary: r.canary,
  };
}
