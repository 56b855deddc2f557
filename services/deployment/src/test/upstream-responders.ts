import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  BlueprintVersionReplySchema,
  CompileReplySchema,
  CompileRequestSchema,
  ErrorReplySchema,
  GetBlueprintRequestSchema,
  Headers,
  type BlueprintVersionSchema,
} from '@af/contracts';
import { decode, encode } from '@af/messaging';

export type FakeBlueprint = MessageInitShape<typeof BlueprintVersionSchema>;

/**
 * Stand-ins for the blueprints and compilation services, answering on the real NATS
 * connection only for the given tenants (no queue group, so only during the test and without
 * stealing other tests' traffic). The end-to-end suite covers the real chain.
 */
export function answerUpstream(nc: NatsConnection, tenants: Set<string>, blueprints: (tenant: string) => FakeBlueprint[]) {
  const compiled: { tenant: string; contentHash: string }[] = [];
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
    nc.subscribe('af.v1.blueprints.get', {
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
    nc.subscribe('af.v1.compilation.compile', {
      callback: (_err, msg) => {
        const tenant = msg.headers?.get(Headers.tenantId) ?? '';
        if (!tenants.has(tenant)) return;
        const request = decode(CompileRequestSchema, msg.data);
        compiled.push({ tenant, contentHash: request.contentHash });
        msg.respond(encode(CompileReplySchema, { artifactHash: `sha256:art-${request.contentHash}`, compileMs: 1, cached: false }), { headers: ok() });
      },
    }),
  ];
  return {
    compiled,
    async stop() {
      for (const sub of subs) sub.unsubscribe();
      await nc.flush();
    },
  };
}

export function blueprint(name: string, version: number, valid = true): FakeBlueprint {
  return {
    name,
    version,
    contentHash: `sha256:${name}-${version}`,
    documentJson: JSON.stringify({ name, version }),
    author: 'alice',
    createdAt: new Date().toISOString(),
    validation: valid
      ? { valid: true, errors: [], warnings: [], suggestions: [] }
      : { valid: false, errors: [{ tier: 'schema', code: 'required', path: '/model', message: 'model is required', severity: 'error' }], warnings: [], suggestions: [] },
  };
}
