import { describe, expect, it } from '@jest/globals';
import { SERVICE_SCHEMAS, backupOptions, restoreOptions, stripSubject, nsSubject, streamName } from './options.mjs';

const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/af' };

describe(backupOptions.name, () => {
  it('defaults to every service schema, the process namespace and the whole graph', () => {
    const sut = backupOptions(['--out', '/tmp/x'], { ...env, AF_NAMESPACE: 'abc' });
    expect(sut).toMatchObject({ out: '/tmp/x', namespace: 'abc', schemas: SERVICE_SCHEMAS, tenants: [], maxMessages: 100_000 });
  });

  it.each([
    [[], /--out <dir> is required/],
    [['--out', 'x', '--namespace', 'Bad_NS'], /invalid namespace/],
    [['--out', 'x', '--schema', 'x; DROP'], /invalid schema name/],
    [['--out', 'x', '--tenant', 'a b'], /invalid tenant id/],
    [['--out', 'x', '--max-messages', '0'], /--max-messages must be/],
    [['--out', 'x', '--database-url', 'not a url'], /not a URL/],
    [['--out', 'x', '--unknown'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => backupOptions(argv, env)).toThrow(message);
  });
});

describe(restoreOptions.name, () => {
  it('needs the target namespace and database spelled out', () => {
    expect(() => restoreOptions(['--in', 'x', '--database-url', env.DATABASE_URL], {})).toThrow(/--namespace <ns> is required/);
    expect(() => restoreOptions(['--in', 'x', '--namespace', 'n1'], {})).toThrow(/--database-url/);
    expect(restoreOptions(['--in', 'x', '--namespace', '', '--skip-neo4j'], env)).toMatchObject({ namespace: '', neo4j: undefined, replaceGraph: false });
  });
});

describe('namespaced names', () => {
  it('match libs/messaging Namespace', () => {
    expect(streamName('t1', 'AF_RUNS')).toBe('t1_AF_RUNS');
    expect(streamName('', 'AF_RUNS')).toBe('AF_RUNS');
    expect(nsSubject('t1', 'af.v1.runs.execute')).toBe('t1.af.v1.runs.execute');
    expect(stripSubject('t1', 't1.af.v1.runs.execute')).toBe('af.v1.runs.execute');
    expect(stripSubject('t1', 't10.af.v1.runs.execute')).toBe('t10.af.v1.runs.execute');
  });
});
