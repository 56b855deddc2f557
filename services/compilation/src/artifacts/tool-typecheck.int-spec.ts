import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { CompileRequestSchema, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { testTenant } from '@af/testing';
import { leadQualifier, startCompilation } from '../test/harness.js';
import { ArtifactService } from './artifact.service.js';
import { canonicalJson, sha256 } from './canonical-json.js';

const DEADLINE_MS = 1_500;
/** Assigning one union of 10 000 function types to another: TypeScript needs minutes for it. */
const TYPE_BOMB = [
  "type D = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;",
  'type U = `${D}${D}${D}${D}`;',
  'type F<T> = T extends string ? (x: T) => T : never;',
  'type G<T> = T extends string ? (x: T) => string : never;',
  'declare const f: F<U>;',
  'const g: G<U> = f;',
  'export default function ({ message }) { return { g, message }; }',
].join('\n');

/** The lead-qualifier blueprint with a second tool whose code is a type-level bomb. */
function withBomb(name: string) {
  const doc = leadQualifier({ name });
  doc.spec.tools.push({ ...doc.spec.tools[0]!, name: 'explode', code: TYPE_BOMB });
  return doc;
}

/**
 * The tool type check against the real service (PostgreSQL, Redis, NATS): a type-check bomb is
 * stopped at its deadline with COMPILE_TIMEOUT on the offending tool, while the service keeps
 * answering other requests, and compiles normally afterwards.
 */
describe('tool type check under a deadline, in worker threads', () => {
  let compilation: Awaited<ReturnType<typeof startCompilation>>;
  let sut: ArtifactService;
  const tenant = parseTenantId(testTenant());
  const compile = (doc: unknown, version = 1) =>
    sut.compile(tenant, create(CompileRequestSchema, { blueprintName: (doc as { metadata: { name: string } }).metadata.name, blueprintVersion: version, contentHash: sha256(canonicalJson(doc)), documentJson: JSON.stringify(doc) }));

  beforeAll(async () => {
    compilation = await startCompilation({ COMPILATION_TYPECHECK_TIMEOUT_MS: String(DEADLINE_MS), COMPILATION_TYPECHECK_WORKERS: '2' });
    sut = compilation.service.app.get(ArtifactService);
  });

  afterAll(async () => {
    await compilation?.stop();
  });

  it('stops a type-check bomb at its deadline with COMPILE_TIMEOUT on the tool, and answers other requests meanwhile', async () => {
    const url = await compilation.service.app.getUrl();
    const started = performance.now();
    let bombSettledAt = 0;
    const bomb = compile(withBomb('bomb'))
      .then(
        () => null,
        (error: unknown) => error,
      )
      .finally(() => {
        bombSettledAt = performance.now();
      });

    // While the bomb is being checked: the HTTP edge answers promptly, and another blueprint compiles.
    const liveness: number[] = [];
    const other = compile(leadQualifier({ name: 'meanwhile' }));
    while (performance.now() - started < DEADLINE_MS - 300) {
      const asked = performance.now();
      const response = await fetch(`${url}/health/live`);
      expect(response.status).toBe(200);
      liveness.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const normal = await other;
    const normalDoneAt = performance.now();

    const error = await bomb;
    const elapsed = bombSettledAt - started;
    expect(error).toMatchObject({
      code: ErrorCode.ValidationFailed,
      path: '/spec/tools/1/code',
      details: { code: 'COMPILE_TIMEOUT', timeoutMs: DEADLINE_MS, errors: [{ code: 'COMPILE_TIMEOUT', path: '/spec/tools/1/code', severity: 'error' }] },
    });
    expect((error as Error).message).toMatch(/tool "explode" did not finish within 1500 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1_500);

    expect(normal).toMatchObject({ cached: false, artifactHash: expect.stringMatching(/^sha256:/) });
    expect(normalDoneAt).toBeLessThan(bombSettledAt);
    expect(liveness.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...liveness)).toBeLessThan(250);
  });

  it('compiles normally after a bomb (its worker was replaced), and reports ordinary type errors as before', async () => {
    await expect(compile(withBomb('bomb-again'))).rejects.toMatchObject({ details: { code: 'COMPILE_TIMEOUT' } });
    for (let i = 0; i < 3; i++) expect(await compile(leadQualifier({ name: `after-${i}` }))).toMatchObject({ cached: false });
    const mistyped = leadQualifier({ name: 'mistyped', toolCode: 'export default function ({ message }) {\n  return { score: message.foo() };\n}' });
    await expect(compile(mistyped)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/code', details: { errors: [{ line: 2, column: 27 }] } });
  });

  it('refuses more tool code than the checker takes, naming the tool past the limit', async () => {
    const doc = leadQualifier({ name: 'too-big' });
    const filler = `// ${'x'.repeat(200 * 1024)}\n`;
    doc.spec.tools.push({ ...doc.spec.tools[0]!, name: 'big_one', code: `${filler}export default ({ message }) => message.length;` });
    doc.spec.tools.push({ ...doc.spec.tools[0]!, name: 'big_two', code: `${filler}export default ({ message }) => message.length;` });
    await expect(compile(doc)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/2/code', details: { code: 'TOOL_CODE_TOO_LARGE' } });
  });
});
