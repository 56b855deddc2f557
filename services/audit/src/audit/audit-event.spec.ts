import { describe, expect, it } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { AuditEventSchema, parseTenantId, type AuditEvent } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { auditFieldsOf } from './audit.service.js';

const tenant = parseTenantId('acme');
const event = (over: Partial<Omit<AuditEvent, '$typeName'>> = {}) =>
  create(AuditEventSchema, {
    eventId: 'blueprint.updated:lead-qualifier:2',
    action: 'blueprint.updated',
    actor: 'alice',
    resourceType: 'blueprint',
    resourceId: 'lead-qualifier',
    outcome: 'success',
    detailsJson: '{"version":2}',
    atMs: BigInt(Date.UTC(2026, 10, 24)),
    service: 'blueprints',
    ...over,
  });

function refusal(over: Partial<Omit<AuditEvent, '$typeName'>>, correlationId = 'c-1'): { code: string; path: string | undefined } {
  try {
    auditFieldsOf(tenant, event(over), correlationId);
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, path: error.path };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(auditFieldsOf.name, () => {
  it('turns a valid event into the fields the chain hashes', () => {
    expect(auditFieldsOf(tenant, event(), 'c-1')).toEqual({
      tenantId: 'acme',
      eventId: 'blueprint.updated:lead-qualifier:2',
      action: 'blueprint.updated',
      actor: 'alice',
      resourceType: 'blueprint',
      resourceId: 'lead-qualifier',
      outcome: 'success',
      details: { version: 2 },
      at: '2026-11-24T00:00:00.000Z',
      service: 'blueprints',
      correlationId: 'c-1',
    });
    expect(auditFieldsOf(tenant, event({ detailsJson: '' }), '').details).toEqual({});
  });

  it.each([
    [{ eventId: '' }, ErrorCode.InvalidArgument, '/event_id'],
    [{ action: 'Created' }, ErrorCode.InvalidArgument, '/action'],
    [{ action: 'blueprint' }, ErrorCode.InvalidArgument, '/action'],
    [{ outcome: 'maybe' }, ErrorCode.InvalidArgument, '/outcome'],
    [{ atMs: 0n }, ErrorCode.InvalidArgument, '/at_ms'],
    [{ actor: '' }, ErrorCode.InvalidArgument, '/actor'],
    [{ actor: 'a\u0000b' }, ErrorCode.InvalidArgument, '/actor'],
    [{ resourceId: 'x'.repeat(513) }, ErrorCode.InvalidArgument, '/resource_id'],
    [{ detailsJson: '[1,2]' }, ErrorCode.InvalidArgument, '/details_json'],
    [{ detailsJson: '{"a":' }, ErrorCode.InvalidArgument, '/details_json'],
    [{ detailsJson: '{"a":"\\ud800"}' }, ErrorCode.InvalidArgument, '/details_json'],
    [{ detailsJson: JSON.stringify({ blob: 'x'.repeat(4_100) }) }, ErrorCode.PayloadTooLarge, '/details_json'],
    [{ service: '' }, ErrorCode.InvalidArgument, '/service'],
  ] as const)('refuses %j with %s at %s', (over, code, path) => {
    expect(refusal(over)).toEqual({ code, path });
  });

  it('keeps a long correlation id bounded instead of refusing the event', () => {
    expect(auditFieldsOf(tenant, event(), 'c'.repeat(500)).correlationId).toHaveLength(128);
  });
});
