import type { BlueprintVersion, Deployment, Run, ValidationReport } from '@af/contracts';

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

export function deploymentView(d: Deployment | undefined) {
  if (!d) return {};
  return { deploymentId: d.deploymentId, agent: d.agent, version: d.version, artifactHash: d.artifactHash, status: d.status, createdAt: d.createdAt, createdBy: d.createdBy };
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
    error: r.error ? { code: r.error.code, message: r.error.message, ...(r.error.path ? { path: r.error.path } : {}) } : null,
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
  };
}
