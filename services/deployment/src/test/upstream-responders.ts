import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  BlueprintVersionReplySchema,
  CompileReplySchema,
  CompileRequestSchema,
  ArtifactReplySchema,
  ErrorReplySchema,
  GetArtifactRequestSchema,
  GetBlueprintRequestSchema,
  Headers,
  ValidateBlueprintReplySchema,
  ValidateBlueprintRequestSchema,
  type BlueprintVersionSchema,
} from '@af/contracts';
import { decode, encode, processNamespace } from '@af/messaging';

export type FakeBlueprint = MessageInitShape<typeof BlueprintVersionSchema>;

/**
 * Stand-ins for the blueprints and compilation services, answering on the real NATS
 * connection only for the given tenants (no queue group, so only during the test and without
 * stealing other tests' traffic). The end-to-end suite covers the real chain.
 */
export function answerUpstream(nc: NatsConnection, tenants: Set<string>, blueprints: (tenant: string) => FakeBlueprint[]) {
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
    nc.subscribe(processNamespace().subject('af.v1.compilation.compile'), {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(CompileRequestSchema, msg.data);
        compiled.push({ tenant, contentHash: request.contentHash });
        artifacts.set(`sha256:art-${request.contentHash}`, { tenant, documentJson: request.documentJson });
        msg.respond(encode(CompileReplySchema, { artifactHash: `sha256:art-${request.contentHash}`, compileMs: 1, cached: false }), { headers: ok() });
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
  ];
  return {
    compiled,
    validated,
    async stop() {
      for (const sub of subs) sub.unsubscribe();
      await nc.flush();
    },
  };
}

/** A stored version; `adminOnly`: valid when saved by an Administrator, invalid for anyone else (policy tier). */
export function blueprint(name: string, version: number, valid = true, extra: { adminOnly?: boolean; realWorldTool?: boolean; archivedAt?: string } = {}): FakeBlueprint {
  return {
    name,
    version,
    contentHash: `sha256:${name}-${version}`,
    documentJson: JSON.stringify({ name, version, valid, ...(extra.adminOnly ? { adminOnly: true } : {}), ...(extra.realWorldTool ? { realWorldTool: true } : {}) }),
    archivedAt: extra.archivedAt ?? '',
    author: 'alice',
    createdAt: new Date().toISOString(),
    validation: valid
      ? { valid: true, errors: [], warnings: [], suggestions: [] }
      : { valid: false, errors: [{ tier: 'schema', code: 'required', path: '/model', message: 'model is required', severity: 'error' }], warnings: [], suggestions: [] },
  };
}
