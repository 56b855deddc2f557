import { createHash } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  BlueprintValidationReplySchema,
  BlueprintVersionReplySchema,
  CompileReplySchema,
  CompileRequestSchema,
  ArtifactReplySchema,
  ErrorReplySchema,
  GetArtifactRequestSchema,
  GetBlueprintRequestSchema,
  Headers,
  ValidateBlueprintReplySchema,
  ValidateBlueprintSourceRequestSchema,
  ValidateBlueprintRequestSchema,
  AgentStatsReplySchema,
  AgentStatsRequestSchema,
  EvalReportReplySchema,
  WarmArtifactReplySchema,
  WarmArtifactRequestSchema,
  WorkerRunEvalsRequestSchema,
  type AgentStatsRequest,
  type BlueprintVersionSchema,
  type VersionStatsSchema,
} from '@af/contracts';
import { decode, encode, processNamespace } from '@af/messaging';

export type FakeBlueprint = MessageInitShape<typeof BlueprintVersionSchema>;

/**
 * Stand-ins for the blueprints and compilation services, answering on the real NATS
 * connection only for the given tenants (no queue group, so only during the test and without
 * stealing other tests' traffic). The end-to-end suite covers the real chain.
 */
/** Stand-ins for the remote worker and health contracts; unset: a worker warms and runs evals (their verdict from the fake document), no health service. */
export interface RemoteStandIns {
  /** false: no live worker answers the warm request for this tenant. */
  warm?: (tenant: string) => boolean;
  /** The health service's figures; undefined: it does not answer. */
  stats?: (tenant: string, request: AgentStatsRequest) => MessageInitShape<typeof VersionStatsSchema>[];
}

export function answerUpstream(nc: NatsConnection, tenants: Set<string>, blueprints: (tenant: string) => FakeBlueprint[], remote: RemoteStandIns = {}) {
  const warmed: { tenant: string; artifactHash: string }[] = [];
  const evaluated: { tenant: string; artifactHash: string }[] = [];
  const compiled: { tenant: string; contentHash: string }[] = [];
  /** artifact hash → the fake document it was compiled from (what artifact.get describes). */
  const artifacts = new Map<string, { tenant: string; documentJson: string }>();
  const validated: { tenant: string; caller: string }[] = [];
  const ok = () => {
    const h = natsHeaders();
    h.set(Headers.status, 'ok');
    return h;
  };
  const fail = () => {
    const h = natsHeaders();
    h.set(Headers.status, 'error');
    return h;
  };
  const subs: Subscription[] = [
    nc.subscribe(processNamespace().subject('af.v1.blueprints.get'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(GetBlueprintRequestSchema, msg.data);
        const versions = blueprints(tenant).filter((b) => b.name === request.name);
        const found = request.version === 0 ? versions.sort((a, b) => (b.version ?? 0) - (a.version ?? 0))[0] : versions.find((b) => b.version === request.version);
        if (!found) {
          msg.respond(encode(ErrorReplySchema, { code: 'NOT_FOUND', message: `blueprint ${request.name} was not found`, path: '/name' }), { headers: fail() });
          return;
        }
        msg.respond(encode(BlueprintVersionReplySchema, { blueprint: found, created: false }), { headers: ok() });
      },
    }),
    // The fake validator reads the verdict the fake document carries: `valid`, or valid only for an Administrator.
    nc.subscribe(processNamespace().subject('af.v1.validation.validate'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(ValidateBlueprintRequestSchema, msg.data);
        validated.push({ tenant, caller: request.caller?.subject ?? '' });
        const doc = JSON.parse(request.documentJson) as { valid?: boolean; adminOnly?: boolean };
        const valid = doc.valid !== false && (!doc.adminOnly || (request.caller?.roles ?? []).includes('Administrator'));
        const report = valid
          ? { valid: true, errors: [], warnings: [], suggestions: [] }
          : {
              valid: false,
              errors: doc.adminOnly
                ? [{ tier: 'policy', code: 'REAL_WORLD_REQUIRES_ADMINISTRATOR', path: '/spec/actions/maxAllowedScope', message: 'only the Administrator role may deploy', severity: 'error' }]
                : [{ tier: 'schema', code: 'SCHEMA_REQUIRED', path: '/spec/model', message: 'spec.model is required', severity: 'error' }],
              warnings: [],
              suggestions: [],
            };
        msg.respond(encode(ValidateBlueprintReplySchema, { report, cached: false }), { headers: ok() });
      },
    }),
    // A draft (af.v1.blueprints.source.validate): JSON text; its `valid` flag is the verdict, metadata.name its name; `{`-less text is not a document.
    nc.subscribe(processNamespace().subject('af.v1.blueprints.source.validate'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(ValidateBlueprintSourceRequestSchema, msg.data);
        let doc: { valid?: boolean; adminOnly?: boolean; metadata?: { name?: string } };
        try {
          doc = JSON.parse(request.source) as typeof doc;
        } catch {
          msg.respond(encode(ErrorReplySchema, { code: 'INVALID_DOCUMENT', message: 'the blueprint is not valid YAML at line 1, column 1', path: '' }), { headers: fail() });
          return;
        }
        validated.push({ tenant, caller: request.caller?.subject ?? '' });
        const adminOnlyFinding = { tier: 'policy', code: 'REAL_WORLD_REQUIRES_ADMINISTRATOR', path: '/spec/actions/maxAllowedScope', message: 'only the Administrator role may deploy', severity: 'error' };
        const errors = [
          ...(doc.valid === false ? [{ tier: 'schema', code: 'SCHEMA_REQUIRED', path: '/spec/model', message: 'spec.model is required', severity: 'error' }] : []),
          ...(doc.adminOnly && !(request.caller?.roles ?? []).includes('Administrator') ? [adminOnlyFinding] : []),
        ];
        const report = { valid: errors.length === 0, errors, warnings: [{ tier: 'semantic', code: 'NO_DESCRIPTION', path: '/metadata/description', message: 'add a description', severity: 'warning' }], suggestions: [] };
        const documentJson = JSON.stringify(doc);
        msg.respond(encode(BlueprintValidationReplySchema, { name: doc.metadata?.name ?? '', version: 0, contentHash: sha256(documentJson), report, cached: false, documentJson }), { headers: ok() });
      },
    }),
    nc.subscribe(processNamespace().subject('af.v1.compilation.compile'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(CompileRequestSchema, msg.data);
        compiled.push({ tenant, contentHash: request.contentHash });
        // Content-addressed: a draft (no content hash) is named by its document.
        const artifactHash = `sha256:art-${request.contentHash || sha256(request.documentJson)}`;
        artifacts.set(artifactHash, { tenant, documentJson: request.documentJson });
        msg.respond(encode(CompileReplySchema, { artifactHash, compileMs: 1, cached: false }), { headers: ok() });
      },
    }),
    // The artifact's scopes: `adminOnly` → maxAllowedScope realWorld, `realWorldTool` → a realWorld tool.
    nc.subscribe(processNamespace().subject('af.v1.compilation.artifact.get'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(GetArtifactRequestSchema, msg.data);
        const source = artifacts.get(request.artifactHash);
        if (!source || source.tenant !== tenant) {
          msg.respond(encode(ErrorReplySchema, { code: 'NOT_FOUND', message: `artifact ${request.artifactHash} was not found`, path: '/artifactHash' }), { headers: fail() });
          return;
        }
        const doc = JSON.parse(source.documentJson) as { name: string; version: number; adminOnly?: boolean; realWorldTool?: boolean };
        const artifact = { tools: doc.realWorldTool ? [{ name: 'pay', scope: 'realWorld' }] : [{ name: 'look', scope: 'internal' }], policy: { maxAllowedScope: doc.adminOnly ? 'realWorld' : null } };
        msg.respond(encode(ArtifactReplySchema, { artifactHash: request.artifactHash, blueprintName: doc.name, blueprintVersion: doc.version, artifactJson: JSON.stringify(artifact) }), { headers: ok() });
      },
    }),
    nc.subscribe(processNamespace().subject('af.v1.workers.artifacts.warm'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant) || remote.warm?.(tenant) === false) return;
        const request = decode(WarmArtifactRequestSchema, msg.data);
        warmed.push({ tenant, artifactHash: request.artifactHash });
        msg.respond(encode(WarmArtifactReplySchema, { workerId: 'stand-in-worker', artifactHash: request.artifactHash, warmedInMs: 2, fetched: true }), { headers: ok() });
      },
    }),
    // The fake document's evals carry their verdict: `{ name, pass: false }` fails; the output echoes the input.
    nc.subscribe(processNamespace().subject('af.v1.workers.evals.run'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(WorkerRunEvalsRequestSchema, msg.data);
        evaluated.push({ tenant, artifactHash: request.artifactHash });
        const source = artifacts.get(request.artifactHash);
        const doc = JSON.parse(source?.documentJson ?? '{}') as { spec?: { evals?: { name: string; pass?: boolean; input?: unknown }[] } };
        const cases = (doc.spec?.evals ?? []).map((e) => ({ name: e.name, passed: e.pass !== false, outputJson: JSON.stringify({ echo: e.input ?? null }), failures: e.pass === false ? ['/answer: expected "yes", got "no"'] : [], durationMs: 1 }));
        const failed = cases.filter((c) => !c.passed).length;
        const report = { agent: request.agent, version: request.version, artifactHash: request.artifactHash, passed: failed === 0, total: cases.length, failed, cases, workerId: 'stand-in-worker' };
        msg.respond(encode(EvalReportReplySchema, { report }), { headers: ok() });
      },
    }),
    nc.subscribe(processNamespace().subject('af.v1.health.agents.stats'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant) || !remote.stats) return;
        const request = decode(AgentStatsRequestSchema, msg.data);
        msg.respond(encode(AgentStatsReplySchema, { agent: request.agent, versions: remote.stats(tenant, request), windowMs: 600_000n }), { headers: ok() });
      },
    }),
  ];
  return {
    warmed,
    evaluated,
    compiled,
    validated,
    async stop() {
      for (const sub of subs) sub.unsubscribe();
      await nc.flush();
    },
  };
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A stored version; `adminOnly`: valid when saved by an Administrator, invalid for anyone else (policy tier). */
export function blueprint(
  name: string,
  version: number,
  valid = true,
  extra: { adminOnly?: boolean; realWorldTool?: boolean; archivedAt?: string; evals?: { name: string; pass?: boolean }[]; deployment?: Record<string, unknown> } = {},
): FakeBlueprint {
  return {
    name,
    version,
    contentHash: `sha256:${name}-${version}`,
    documentJson: JSON.stringify({ name, version, valid, ...(extra.adminOnly ? { adminOnly: true } : {}), ...(extra.realWorldTool ? { realWorldTool: true } : {}),
      ...(extra.evals || extra.deployment ? { spec: { ...(extra.evals ? { evals: extra.evals } : {}), ...(extra.deployment ? { deployment: extra.deployment } : {}) } } : {}),
    }),
    archivedAt: extra.archivedAt ?? '',
    author: 'alice',
    createdAt: new Date().toISOString(),
    validation: valid
      ? { valid: true, errors: [], warnings: [], suggestions: [] }
      : { valid: false, errors: [{ tier: 'schema', code: 'required', path: '/model', message: 'model is required', severity: 'error' }], warnings: [], suggestions: [] },
  };
}
