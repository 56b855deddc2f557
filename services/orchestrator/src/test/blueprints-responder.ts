import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { BlueprintVersionReplySchema, ErrorReplySchema, GetBlueprintRequestSchema, Headers } from '@af/contracts';
import { decode, encode, processNamespace } from '@af/messaging';

/**
 * A stand-in for the blueprints service's `af.v1.blueprints.get`, answering on the real NATS
 * connection only for one tenant (no queue group: it steals no other test's traffic). The
 * orchestrator may not import another service; the e2e suite covers the real chain.
 */
export function answerBlueprintsGet(nc: NatsConnection, tenant: string, blueprints: Record<string, { archivedAt: string }>) {
  const asked: string[] = [];
  const status = (value: 'ok' | 'error') => {
    const h = natsHeaders();
    h.set(Headers.status, value);
    return h;
  };
  const sub = nc.subscribe(processNamespace().subject('af.v1.blueprints.get'), {
    callback: (_err, msg) => {
      if (msg.headers?.get(Headers.tenantId) !== tenant) return;
      const { name } = decode(GetBlueprintRequestSchema, msg.data);
      asked.push(name);
      const found = blueprints[name];
      if (!found) {
        msg.respond(encode(ErrorReplySchema, { code: 'NOT_FOUND', message: `blueprint "${name}" was not found`, path: '/name' }), { headers: status('error') });
        return;
      }
      msg.respond(encode(BlueprintVersionReplySchema, { blueprint: { name, version: 1, archivedAt: found.archivedAt, documentJson: '{}' }, created: false }), { headers: status('ok') });
    },
  });
  return { asked, stop: () => sub.unsubscribe() };
}
