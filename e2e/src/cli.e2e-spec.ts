import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { leadQualifier } from '@af/testing';
import { api, gatewayUrl, mintToken, newTenant, waitForRunStatus } from './client.js';

/**
 * Issue 15's CLI "Done when" against the running mesh: the built `af` (clients/cli/dist/main.js)
 * run as a process, as a person or a CI job would — login into a config dir, apply an invalid
 * blueprint (the report shows its YAML line), apply a valid one, deploy and follow a canary's
 * rollout to active, run --follow to succeeded, and approve an escalation so its run finishes.
 */

const MAIN = resolve(import.meta.dirname, '../../clients/cli/dist/main.js');

interface AfResult {
  code: number | null;
  out: string;
  err: string;
}

function af(args: string[], env: Record<string, string>, stdin = ''): Promise<AfResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: env['HOME'] ?? tmpdir(), NO_COLOR: '1', AF_GATEWAY_URL: gatewayUrl(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
    child.stdin.end(stdin);
  });
}

const asYaml = (doc: unknown) => stringify(doc, { lineWidth: 0 });

describe('the af CLI against the running mesh', () => {
  const tenant = newTenant();
  let dir: string;
  /** An Administrator logged in with `af login` (config in `dir`, no AF_TOKEN). */
  let adminEnv: Record<string, string>;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'af-cli-e2e-'));
    adminEnv = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir };
    const admin = await mintToken({ tenant, roles: ['Administrator'], sub: 'ada@acme.test' });
    [alice, bob] = await Promise.all([
      mintToken({ tenant, roles: ['Developer'], sub: 'alice@acme.test' }),
      mintToken({ tenant, roles: ['Developer'], sub: 'bob@acme.test' }),
    ]);
    const login = await af(['login'], adminEnv, admin + '\n');
    expect(login).toMatchObject({ code: 0 });
    expect(login.out).toContain(`logged in to ${gatewayUrl()}`);
    expect((await stat(join(dir, 'config/af/config.json'))).mode & 0o777).toBe(0o600);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('apply: an invalid blueprint is refused with its report at the YAML line (exit 1); a valid one is stored, then unchanged', async () => {
    const valid = asYaml(leadQualifier({ name: 'cli-leads' }));
    const invalidFile = join(dir, 'invalid.yaml');
    await writeFile(invalidFile, valid.replace('scope: internal', 'scope: global'));
    const line = valid.split('\n').findIndex((l) => l.includes('scope: internal')) + 1;

    const refused = await af(['apply', '-f', invalidFile], adminEnv);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(new RegExp(`${invalidFile.replace(/[.]/g, '\\.')}:${line}:\\d+: error .*\\[schema SCHEMA_ENUM\\] \\(at /spec/tools/0/scope\\)`));
    expect(refused.err).toMatch(new RegExp(`\\n  ${line} \\| +scope: global\\n +\\| +\\^`));
    expect(refused.err.trimEnd().split('\n').at(-1)).toMatch(/^error: VALIDATION_FAILED: .* \(at \/spec\/tools\/0\/scope\)$/);
    // Nothing was stored.
    expect(await af(['diff', 'cli-leads'], adminEnv)).toMatchObject({ code: 1, err: expect.stringMatching(/^error: NOT_FOUND: /) });

    const validFile = join(dir, 'valid.yaml');
    await writeFile(validFile, valid);
    const stored = await af(['apply', '-f', validFile, '-o', 'table'], adminEnv);
    expect(stored).toMatchObject({ code: 0, out: 'blueprint cli-leads created as version 1\n' });
    expect(await af(['apply', '-f', validFile, '-o', 'table'], adminEnv)).toMatchObject({ code: 0, out: 'blueprint cli-leads unchanged at version 1\n' });
    const validated = await af(['validate', '-f', validFile, '-o', 'json'], adminEnv);
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.out)).toMatchObject({ valid: true, errors: [] });
  });

  it('deploy, then a canary of a new version followed by `af rollout status` until it is promoted (exit 0)', async () => {
    const first = await af(['deploy', 'cli-leads', '-o', 'json'], adminEnv);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ agent: 'cli-leads', version: 1, status: 'active' });

    const v2 = leadQualifier({ name: 'cli-leads' });
    v2.spec.goal = 'Decide whether an inbound B2B lead is qualified.';
    const file = join(dir, 'v2.yaml');
    await writeFile(file, asYaml(v2));
    expect(await af(['apply', '-f', file, '-o', 'table'], adminEnv)).toMatchObject({ code: 0, out: 'blueprint cli-leads updated to version 2\n' });
    const diff = await af(['diff', 'cli-leads', '-o', 'json'], adminEnv);
    expect(JSON.parse(diff.out)).toMatchObject({ from: 1, to: 2, operations: [{ op: 'replace', path: '/spec/goal' }] });

    const canary = await af(['deploy', 'cli-leads', '--canary', '50', '--window', '3', '-o', 'json'], adminEnv);
    expect(canary.code).toBe(0);
    expect(JSON.parse(canary.out)).toMatchObject({ version: 2, status: 'canary', canaryPercent: 50 });

    const rollout = await af(['rollout', 'status', 'cli-leads', '--timeout', '90s', '-o', 'table'], adminEnv);
    expect(rollout.code).toBe(0);
    const lines = rollout.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^deployment [0-9a-f]{8} version 2: canary, 50% of new runs, health \w+, window ends \d\d:\d\d:\d\d$/);
    expect(lines.at(-1)).toMatch(/^deployment [0-9a-f]{8} version 2: active, 100% of new runs, health \w+/);

    const view = await af(['agent', 'cli-leads', '-o', 'json'], adminEnv);
    expect(JSON.parse(view.out)).toMatchObject({ agent: 'cli-leads', active: { version: 2 }, canary: null });
  });

  it('run --follow streams the run to succeeded (exit 0); runs and logs list it', async () => {
    const followed = await af(['run', 'cli-leads', '--input', '{"message":"a big lead from Acme"}', '--follow', '-o', 'table'], adminEnv);
    expect(followed.err).toBe('');
    expect(followed.code).toBe(0);
    const lines = followed.out.trimEnd().split('\n');
    const runId = /^run (\S+) \(cli-leads v2\)$/.exec(lines[0]!)?.[1];
    expect(runId).toBeDefined();
    expect(lines.some((l) => / running → succeeded/.test(l))).toBe(true);
    expect(lines.some((l) => new RegExp(`^run ${runId} succeeded in \\d+\\.\\d s$`).test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('output: {') && l.includes('"qualified"'))).toBe(true);

    const runs = await af(['runs', '--agent', 'cli-leads', '-o', 'json'], adminEnv);
    expect((JSON.parse(runs.out) as Array<{ runId: string; status: string }>).find((r) => r.runId === runId)).toMatchObject({ status: 'succeeded' });
    const logs = await af(['logs', runId!, '-o', 'json'], adminEnv);
    expect(JSON.parse(logs.out)).toMatchObject({ runId, status: 'succeeded', final: true });
  });

  it('approvals + approve: a supervised run waits for a human; another user approves with af and the run finishes', async () => {
    const gov = leadQualifier({ name: 'cli-gov' });
    const spec = gov.spec as Record<string, unknown>;
    spec['governance'] = { autonomyLevel: 'supervised', approval: { levels: [{ roles: ['Developer', 'Administrator'], deadlineSeconds: 3600 }] } };
    spec['tools'] = [
      {
        name: 'update_crm',
        description: 'Records the qualified lead in the CRM',
        scope: 'external',
        builtin: 'crm.update',
        inputSchema: { type: 'object', properties: { recordId: { type: 'string' }, stage: { type: 'string' } }, required: ['recordId'] },
      },
    ];
    const file = join(dir, 'gov.yaml');
    await writeFile(file, asYaml(gov));
    expect((await af(['apply', '-f', file], adminEnv)).code).toBe(0);
    expect((await af(['deploy', 'cli-gov'], adminEnv)).code).toBe(0);

    const aliceEnv = { AF_TOKEN: alice, XDG_CONFIG_HOME: join(dir, 'alice') };
    const bobEnv = { AF_TOKEN: bob, XDG_CONFIG_HOME: join(dir, 'bob') };
    const started = await af(['run', 'cli-gov', '--input', '{"message":"big lead","recordId":"L-7","stage":"won"}', '-o', 'table'], aliceEnv);
    expect(started.code).toBe(0);
    const runId = started.out.trim();
    const parked = await waitForRunStatus(alice, runId, ['waiting', 'succeeded', 'failed'], 30_000);
    expect(parked.body).toMatchObject({ status: 'waiting', waitingFor: expect.any(String) });
    const escalationId = String(parked.body['waitingFor']);

    const inbox = await af(['approvals', '-o', 'json'], bobEnv);
    expect(inbox.code).toBe(0);
    expect((JSON.parse(inbox.out) as Array<{ id: string }>).find((e) => e.id === escalationId)).toMatchObject({ runId, tool: 'update_crm', status: 'pending', arguments: { recordId: 'L-7', stage: 'won' } });
    const table = await af(['approvals', '-o', 'table'], bobEnv);
    expect(table.out).toContain(escalationId);

    // Self-approval is refused by the API: its code and message, exit 1.
    const self = await af(['approve', escalationId, '--reason', 'mine'], aliceEnv);
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/^error: PERMISSION_DENIED: .*self-approval/);

    const approved = await af(['approve', escalationId, '--reason', 'good customer', '-o', 'table'], bobEnv);
    expect(approved).toMatchObject({ code: 0, out: `escalation ${escalationId}: approved (1/1 approvals, level 1/1)\n` });

    const followed = await af(['logs', runId, '--follow', '-o', 'table'], aliceEnv);
    expect(followed.code).toBe(0);
    expect(followed.out).toContain(`run ${runId} succeeded`);
    expect((await api('GET', `/v1/runs/${runId}`, { token: alice })).body).toMatchObject({ status: 'succeeded' });
  });
});
