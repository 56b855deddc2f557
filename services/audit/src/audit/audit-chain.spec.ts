import { describe, expect, it } from '@jest/globals';
import { canonicalJson, sha256 } from '@af/blueprint-format';
import { ChainVerifier, chainHash, recomputeHash, type ChainHead, type StoredRecord } from './audit-chain.js';

/** A valid chain of `n` records of one tenant, as the service would have appended them. */
function chain(n: number): StoredRecord[] {
  const records: StoredRecord[] = [];
  let prevHash = '';
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      tenantId: 'acme',
      seq,
      eventId: `e-${seq}`,
      action: 'blueprint.updated',
      actor: 'alice',
      resourceType: 'blueprint',
      resourceId: 'lead-qualifier',
      outcome: 'success',
      details: { version: seq, contentHash: `sha256:${seq}` },
      at: new Date(Date.UTC(2026, 10, 24, 10, 0, seq)).toISOString(),
      service: 'blueprints',
      correlationId: `c-${seq}`,
    };
    const hash = chainHash(prevHash, fields);
    records.push({ ...fields, detailsJson: canonicalJson(fields.details), at: new Date(fields.at), prevHash, hash });
    prevHash = hash;
  }
  return records;
}

const headOf = (records: StoredRecord[]): ChainHead => ({ seq: records.at(-1)!.seq, hash: records.at(-1)!.hash });

function verify(records: StoredRecord[], head: ChainHead | null) {
  const sut = new ChainVerifier(head, 100);
  for (const r of records) sut.push(r);
  return sut.finish();
}

const problems = (result: ReturnType<typeof verify>) => result.problems.map((p) => ({ seq: p.seq, eventId: p.eventId, kind: p.kind }));

describe(ChainVerifier.name, () => {
  it('hashes the canonical JSON of {prevHash, record} with the shared helper', () => {
    const [first] = chain(1);
    expect(first!.prevHash).toBe('');
    const expected = sha256(
      canonicalJson({
        prevHash: '',
        record: { tenant: 'acme', seq: 1, eventId: 'e-1', action: 'blueprint.updated', actor: 'alice', resourceType: 'blueprint', resourceId: 'lead-qualifier', outcome: 'success', details: { contentHash: 'sha256:1', version: 1 }, at: '2026-11-24T10:00:01.000Z', service: 'blueprints', correlationId: 'c-1' },
      }),
    );
    expect(first!.hash).toBe(expected);
    expect(recomputeHash(first!)).toBe(expected);
  });

  it('accepts an intact chain, and an empty one without a head', () => {
    const records = chain(5);
    expect(verify(records, headOf(records))).toEqual({ valid: true, checked: 5, problems: [], problemCount: 0 });
    expect(verify([], null)).toEqual({ valid: true, checked: 0, problems: [], problemCount: 0 });
  });

  it('a changed field, a changed hash, or details that are no longer JSON: exactly that record is altered', () => {
    for (const change of [(r: StoredRecord) => (r.actor = 'mallory'), (r: StoredRecord) => (r.hash = `sha256:${'0'.repeat(64)}`), (r: StoredRecord) => (r.detailsJson = '{"version":')]) {
      const records = chain(5);
      const head = headOf(records);
      change(records[2]!);
      expect(problems(verify(records, head))).toEqual([{ seq: 3, eventId: 'e-3', kind: 'altered' }]);
    }
  });

  it('the last record changed: altered, once', () => {
    const records = chain(4);
    const head = headOf(records);
    records[3]!.outcome = 'denied';
    expect(problems(verify(records, head))).toEqual([{ seq: 4, eventId: 'e-4', kind: 'altered' }]);
  });

  it('the last record rewritten with a recomputed hash does not match the head: altered', () => {
    const records = chain(4);
    const head = headOf(records);
    const last = records[3]!;
    last.actor = 'mallory';
    last.hash = recomputeHash(last) as string;
    expect(problems(verify(records, head))).toEqual([{ seq: 4, eventId: 'e-4', kind: 'altered' }]);
  });

  it('a record beyond the head (a forged append, even with a correct hash and link) is inserted', () => {
    const records = chain(4);
    const head = headOf(records);
    const forged = chain(5)[4]!;
    expect(problems(verify([...records, forged], head))).toEqual([{ seq: 5, eventId: 'e-5', kind: 'inserted' }]);
  });

  it('a second record at a taken position is inserted; the chain goes on from the original', () => {
    const records = chain(5);
    const head = headOf(records);
    const forged = { ...records[2]!, eventId: 'forged', actor: 'mallory' };
    forged.hash = recomputeHash(forged) as string;
    expect(problems(verify([...records.slice(0, 3), forged, ...records.slice(3)], head))).toEqual([{ seq: 3, eventId: 'forged', kind: 'inserted' }]);
  });

  it('a record put in place of another (consistent hash, wrong link) is inserted', () => {
    const records = chain(5);
    const head = headOf(records);
    const replacement = { ...records[2]!, prevHash: sha256('something else'), eventId: 'replacement' };
    replacement.hash = recomputeHash(replacement) as string;
    records[2] = replacement;
    // Record 4 links to the original record 3's hash: the break is record 3's, reported once.
    expect(problems(verify(records, head))).toEqual([{ seq: 3, eventId: 'replacement', kind: 'inserted' }]);
  });

  it('a record deleted in the middle (or the first one): deleted, at the record after the gap', () => {
    const records = chain(6);
    const head = headOf(records);
    expect(problems(verify([...records.slice(0, 2), ...records.slice(3)], head))).toEqual([{ seq: 4, eventId: 'e-4', kind: 'deleted' }]);
    expect(problems(verify(records.slice(1), head))).toEqual([{ seq: 2, eventId: 'e-2', kind: 'deleted' }]);
    const several = verify([...records.slice(0, 1), ...records.slice(4)], head);
    expect(problems(several)).toEqual([{ seq: 5, eventId: 'e-5', kind: 'deleted' }]);
    expect(several.problems[0]!.message).toContain('records 2–4 are missing');
  });

  it('the last record deleted: deleted at its seq, found against the head; every record deleted too', () => {
    const records = chain(5);
    const head = headOf(records);
    expect(problems(verify(records.slice(0, 4), head))).toEqual([{ seq: 5, eventId: '', kind: 'deleted' }]);
    expect(problems(verify([], head))).toEqual([{ seq: 1, eventId: '', kind: 'deleted' }]);
  });

  it('records without a head: the head was removed', () => {
    expect(problems(verify(chain(2), null))).toEqual([{ seq: 0, eventId: '', kind: 'deleted' }]);
  });

  it('lists at most maxProblems, counts them all', () => {
    const records = chain(10);
    const head = headOf(records);
    for (const r of records) r.actor = 'mallory';
    const sut = new ChainVerifier(head, 3);
    for (const r of records) sut.push(r);
    const result = sut.finish();
    expect(result.problems).toHaveLength(3);
    expect(result.problemCount).toBe(10);
    expect(result.valid).toBe(false);
  });
});
