import { describe, expect, it } from '@jest/globals';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  ExecuteRunSchema,
  Headers,
  consumers,
  eventSubjects,
  isTenantId,
  kvBuckets,
  requestSubjects,
  serviceNames,
  streams,
} from './index.js';

describe('wire contracts', () => {
  it('keeps subject, stream, consumer, bucket and header names stable (snapshot)', () => {
    const wire = {
      requestSubjects: Object.fromEntries(
        Object.entries(requestSubjects).map(([s, d]) => [s, { owner: d.owner, request: d.request.typeName, response: d.response.typeName }]),
      ),
      eventSubjects: Object.fromEntries(Object.entries(eventSubjects).map(([s, d]) => [s, { stream: d.stream, event: d.event.typeName }])),
      streams,
      consumers,
      kvBuckets,
      headers: Headers,
    };
    expect(wire).toMatchSnapshot();
  });

  it('versions every subject as af.v1.<domain>.<verb…>', () => {
    for (const subject of [...Object.keys(requestSubjects), ...Object.keys(eventSubjects)]) {
      expect(subject).toMatch(/^af\.v1\.[a-z]+(\.[a-z]+)+$/);
    }
  });

  it('binds every durable event subject to exactly the stream it names, and every stream subject to an event', () => {
    for (const [subject, def] of Object.entries(eventSubjects)) {
      if (def.stream === null) continue;
      const owners = Object.values(streams).filter((s) => (s.subjects as readonly string[]).includes(subject));
      expect(owners.map((s) => s.name)).toEqual([def.stream]);
    }
  });

  it('gives every consumer a filter that matches the subjects it claims, and an owner that exists', () => {
    for (const consumer of Object.values(consumers)) {
      expect(serviceNames).toContain(consumer.owner);
      const filter = consumer.filterSubject.replace(/\./g, '\\.').replace('\\.>', '\\..+');
      for (const subject of consumer.subjects) expect(subject).toMatch(new RegExp(`^${filter}$`));
      expect(streams[consumer.stream].subjects).toEqual(expect.arrayContaining([...consumer.subjects]));
    }
  });

  it('round-trips a message through protobuf binary', () => {
    const msg = create(ExecuteRunSchema, { runId: 'r1', agent: 'a', version: 2, artifactHash: 'h', inputJson: '{}' });
    expect(fromBinary(ExecuteRunSchema, toBinary(ExecuteRunSchema, msg))).toEqual(msg);
  });

  it('accepts DNS-label tenant ids only', () => {
    expect(isTenantId('acme')).toBe(true);
    expect(isTenantId('acme-eu-1')).toBe(true);
    expect(isTenantId('Acme')).toBe(false);
    expect(isTenantId('a.b')).toBe(false);
    expect(isTenantId('-x')).toBe(false);
  });
});
