import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChaosClient, type SubmitOutcome } from './support/client.js';
import { load, printCounts, sleep, tally, until } from './support/drill.js';
import { EffectRecorder, effectBlueprint } from './support/effects.js';
import { ChaosMesh } from './support/mesh.js';

/**
 * Deployments under a steady stream of runs, on a mesh of its own (with the health service: the
 * deployment service's watch loop judges canaries by its figures). Every tool step of the agent
 * records a countable effect and waits STEP_MS, so a run lasts longer than a swap and deploys land
 * in the middle of runs.
 *
 * 1. v2 as a 30 % canary, then v3 as a 50 % canary in the middle of v2's window — the deployment
 *    service's semantics: a new canary SUPERSEDES the running one (v2 gets no new runs, its runs
 *    stay pinned to its artifact) and the active v1 keeps the rest — then v3 promoted by hand.
 *    Nothing lost, duplicated or failed; every run finished on the version its submit reply named.
 * 2. a version whose tool throws, as a canary with a short window and low thresholds: rolled back
 *    automatically within its window (reason + figures), runs on the old version keep succeeding.
 */
const STEP_MS = 700;
const STEPS = 3;
const RATE = 10;

type Deployment = Record<string, unknown> & { deploymentId: string; version: number; status: string; artifactHash: string; reason: string | null; windowEndsAt: string | null; transitions: { from: string | null; to: string; at: string; actor: string; reason: string; details: Record<string, unknown> | null }[] };

/** Version `n` of the effect agent: same tools, a goal that names the version (a new content hash). */
function version(name: string, n: number) {
  const bp = effectBlueprint(name, STEPS);
  return { ...bp, spec: { ...bp.spec, goal: `Record one effect per step (version ${n}).` } };
}

/** A version whose every tool throws: each of its runs fails (TOOL_FAILED). */
function brokenVersion(name: string) {
  const bp = effectBlueprint(name, STEPS);
  const tools = bp.spec.tools.map((t) => ({ ...t, code: `export default async ({ key }: { key: string }) => {\n  throw new Error('broken on purpose: ' + key);\n}\n` }));
  return { ...bp, spec: { ...bp.spec, goal: 'A release that breaks every run.', tools } };
}

/** Counts per (submitted version → final version, status). */
function byVersion(outcomes: SubmitOutcome[], runs: Map<string, Record<string, unknown>>) {
  const out: Record<string, { submitted: number; succeeded: number; failed: number; other: number; finishedElsewhere: number }> = {};
  for (const o of outcomes.filter((x) => x.accepted)) {
    const v = (out[`v${o.version}`] ??= { submitted: 0, succeeded: 0, failed: 0, other: 0, finishedElsewhere: 0 });
    v.submitted++;
    const run = runs.get(o.runId!);
    if (run?.['status'] === 'succeeded') v.succeeded++;
    else if (run?.['status'] === 'failed') v.failed++;
    else v.other++;
    if (run && Number(run['version']) !== o.version) v.finishedElsewhere++;
  }
  return out;
}

describe('chaos: deployments during a steady stream of runs (canary, superseding canary, promotion, automatic rollback)', () => {
  const mesh = new ChaosMesh({
    workers: 2,
    extra: ['health'],
    env: {
      ORCHESTRATOR_TENANT_CONCURRENCY: '64',
      DEPLOYMENT_WATCH_INTERVAL_MS: '500',
      HEALTH_MONITOR_INTERVAL_MS: '1000',
    },
  });
  const effects = new EffectRecorder(STEP_MS);
  let client: ChaosClient;

  beforeAll(async () => {
    try {
      await mesh.start();
      await effects.start(mesh.nats.url);
      client = await new ChaosClient(() => mesh.gateway.url, mesh.jwtSecret).login();
    } catch (error) {
      await mesh.dispose();
      throw error;
    }
  }, 300_000);

  afterAll(async () => {
    await effects.stop();
    await mesh.dispose();
  }, 120_000);

  async function putVersion(doc: { metadata: { name: string } }): Promise<number> {
    const res = await client.api('PUT', `/v1/blueprints/${doc.metadata.name}`, { body: doc });
    if (res.status !== 201) throw new Error(`PUT ${doc.metadata.name}: ${res.status} ${JSON.stringify(res.body)}`);
    return Number(res.body['version']);
  }

  async function deploy(agent: string, body: Record<string, unknown>): Promise<{ deployment: Deployment; ms: number }> {
    const t0 = performance.now();
    const res = await client.api('POST', `/v1/agents/${agent}/deployments`, { body, timeoutMs: 60_000 });
    const ms = performance.now() - t0;
    if (res.status !== 201) throw new Error(`deploy ${agent} ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    return { deployment: res.body as unknown as Deployment, ms };
  }

  async function getDeployment(agent: string, id: string): Promise<Deployment> {
    const res = await client.api('GET', `/v1/agents/${agent}/deployments/${id}`);
    if (res.status !== 200) throw new Error(`GET deployment ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as unknown as Deployment;
  }

  it('v2 canary, then v3 canary mid-window (supersedes v2), then v3 promoted: 0 lost, 0 duplicated, 0 failed, every run on its submitted version', async () => {
    const agent = 'swap';
    await client.deploy(version(agent, 1));
    const v2 = await putVersion(version(agent, 2));
    const v3 = await putVersion(version(agent, 3));
    expect([v2, v3]).toEqual([2, 3]);

    const timeline: Record<string, number> = {};
    const deployed: Record<string, Deployment> = {};
    const swapMs: Record<string, number> = {};
    const started = Date.now();
    const mark = (what: string) => (timeline[what] = Date.now() - started);
    const { outcomes, faultError } = await load(client, agent, {
      prefix: 'swap',
      total: 30 * RATE,
      perSecond: RATE,
      faultAtMs: 4_000,
      fault: async () => {
        mark('v2 canary requested');
        const two = await deploy(agent, { version: 2, strategy: 'canary', canaryPercent: 30, windowSeconds: 600 });
        mark('v2 canary switched');
        deployed['v2'] = two.deployment;
        swapMs['v2'] = two.ms;
        // Mid-canary: some v2 runs are finished, others are still running on it.
        await sleep(6_000);
        mark('v3 canary requested');
        const three = await deploy(agent, { version: 3, strategy: 'canary', canaryPercent: 50, windowSeconds: 600 });
        mark('v3 canary switched');
        deployed['v3'] = three.deployment;
        swapMs['v3'] = three.ms;
        await sleep(6_000);
        mark('v3 promote requested');
        const promoted = await client.api('POST', `/v1/agents/${agent}/deployments/${three.deployment.deploymentId}/promote`, { body: {} });
        if (promoted.status !== 200) throw new Error(`promote: ${promoted.status} ${JSON.stringify(promoted.body)}`);
        mark('v3 promoted');
      },
    });
    expect(faultError).toBeUndefined();
    const { counts, runs } = await tally(client, outcomes, effects, 180_000);
    const keys = outcomes.map((o) => o.key);
    const missing = outcomes.filter((o) => effects.countFor([o.key]).effects !== STEPS).length;
    const versions = byVersion(outcomes, runs);
    const offVersion = outcomes.filter((o) => o.accepted && runs.has(o.runId!) && Number(runs.get(o.runId!)!['version']) !== o.version);
    // The artifact each version was deployed with (v1: the agent's first deployment).
    const history = await client.api('GET', `/v1/agents/${agent}/deployments?limit=10`);
    const all = ((history.body['items'] as Deployment[]) ?? []).map((d) => d);
    const artifactOf = new Map(all.map((d) => [d.version, d.artifactHash]));
    const wrongArtifact = [...runs.values()].filter((r) => artifactOf.get(Number(r['version'])) !== r['artifactHash']);
    const [d2, d3] = [await getDeployment(agent, deployed['v2']!.deploymentId), await getDeployment(agent, deployed['v3']!.deploymentId)];
    const view = await client.api('GET', `/v1/agents/${agent}`);
    // Runs in flight across a switch: v2 runs that finished after v3 superseded v2's canary, and v1
    // runs that finished after the promotion superseded v1 — they ran on to the end where they were.
    const finishedAfter = (v: number, at: number) => outcomes.filter((o) => o.version === v && Date.parse(String(runs.get(o.runId!)?.['finishedAt'])) > at).length;
    const inFlightAcrossSwitch = { v2AfterSuperseded: finishedAfter(2, started + timeline['v3 canary switched']!), v1AfterPromotion: finishedAfter(1, started + timeline['v3 promoted']!) };
    printCounts('deploy swap (v2 canary 30%, v3 canary 50% supersedes it, v3 promoted)', counts, {
      byVersion: versions,
      runsMissingAnEffect: missing,
      finishedOnAnotherVersion: offVersion.length,
      wrongArtifact: wrongArtifact.length,
      deployRequestMs: swapMs,
      deploymentSwapMs: { v2: d2['swapMs'], v3: d3['swapMs'] },
      timelineMs: timeline,
      inFlightAcrossSwitch,
      statuses: Object.fromEntries(all.map((d) => [`v${d.version}`, d.status])),
      repeats: effects.countFor(keys).markers.slice(0, 10),
    });

    expect(counts.submitted).toBe(30 * RATE);
    expect(counts.accepted).toBe(counts.submitted);
    expect(counts.lost).toBe(0);
    expect(counts.stuck).toBe(0);
    expect(counts.failed).toBe(0);
    expect(counts.deadLettered).toBe(0);
    expect(counts.succeeded).toBe(counts.accepted);
    expect(counts.duplicateEffects).toBe(0);
    expect(missing).toBe(0);
    expect(counts.fiveHundreds).toEqual({});
    // Pinned: the version of the submit reply is the one the run executed, on that version's artifact.
    expect(offVersion).toEqual([]);
    expect(wrongArtifact.map((r) => r['runId'])).toEqual([]);
    // All three versions carried runs (v2 only during its canary), and the canary share was taken.
    expect(versions['v1']?.succeeded ?? 0).toBeGreaterThan(0);
    expect(versions['v2']?.succeeded ?? 0).toBeGreaterThan(0);
    expect(versions['v3']?.succeeded ?? 0).toBeGreaterThan(0);
    expect(inFlightAcrossSwitch.v2AfterSuperseded).toBeGreaterThan(0);
    expect(inFlightAcrossSwitch.v1AfterPromotion).toBeGreaterThan(0);
    // Lifecycle: v2 canary → superseded by v3's canary; v3 canary → active (promoted); v1 superseded.
    expect(d2.transitions.map((t) => t.to)).toEqual(['pending', 'warming', 'canary', 'superseded']);
    expect(d2.transitions.at(-1)!.reason).toContain(d3.deploymentId);
    expect(d3.transitions.map((t) => t.to)).toEqual(['pending', 'warming', 'canary', 'active']);
    expect(d3.status).toBe('active');
    expect(all.find((d) => d.version === 1)?.status).toBe('superseded');
    // After the promotion every new run goes to v3.
    const promotedAt = started + timeline['v3 promoted']!;
    const afterPromotion = outcomes.filter((o) => o.acceptedAt! > promotedAt);
    expect(afterPromotion.length).toBeGreaterThan(0);
    expect(afterPromotion.every((o) => o.version === 3)).toBe(true);
    expect(view.status).toBe(200);
    expect((view.body['active'] as Deployment).version).toBe(3);
  });

  it('a version whose runs fail, as a canary with low thresholds, is rolled back automatically within its window; runs on the old version keep succeeding', async () => {
    const agent = 'rollback';
    await client.deploy(version(agent, 1));
    await putVersion(brokenVersion(agent));

    let canary: Deployment | undefined;
    let rolledBack: Deployment | undefined;
    let requestedAt = 0;
    const { outcomes, faultError } = await load(client, agent, {
      prefix: 'rollback',
      total: 30 * 5,
      perSecond: 5,
      faultAtMs: 2_000,
      fault: async () => {
        requestedAt = Date.now();
        canary = (await deploy(agent, { version: 2, strategy: 'canary', canaryPercent: 50, windowSeconds: 60, thresholds: { maxFailureRate: 0.2, minRuns: 5 } })).deployment;
        rolledBack = await until('the automatic rollback', async () => {
          const d = await getDeployment(agent, canary!.deploymentId);
          return d.status === 'rolled_back' ? d : undefined;
        }, 60_000, 250);
      },
    });
    expect(faultError).toBeUndefined();
    const { counts, runs } = await tally(client, outcomes, effects, 180_000);
    const versions = byVersion(outcomes, runs);
    const last = rolledBack!.transitions.at(-1)!;
    const rolledBackAt = Date.parse(last.at);
    const afterRollback = outcomes.filter((o) => o.acceptedAt! > rolledBackAt + 250);
    const offVersion = outcomes.filter((o) => o.accepted && runs.has(o.runId!) && Number(runs.get(o.runId!)!['version']) !== o.version);
    const v1Runs = outcomes.filter((o) => o.version === 1).map((o) => runs.get(o.runId!));
    const v2Failures = outcomes.filter((o) => o.version === 2).map((o) => (runs.get(o.runId!)?.['error'] as { code?: string } | null)?.code);
    const view = await client.api('GET', `/v1/agents/${agent}`);
    printCounts('automatic rollback of a failing canary', counts, {
      byVersion: versions,
      rolledBackAfterMs: rolledBackAt - requestedAt,
      windowSeconds: canary!.windowSeconds,
      reason: rolledBack!.reason,
      figures: last.details,
      finishedOnAnotherVersion: offVersion.length,
      submittedAfterRollback: afterRollback.length,
    });

    expect(counts.accepted).toBe(counts.submitted);
    expect(counts.lost).toBe(0);
    expect(counts.stuck).toBe(0);
    expect(counts.fiveHundreds).toEqual({});
    // Rolled back by the system within its window, with the reason and the figures behind it.
    expect(rolledBack!.status).toBe('rolled_back');
    expect(last).toMatchObject({ from: 'canary', to: 'rolled_back', actor: 'system' });
    expect(rolledBack!.reason).toMatch(/automatic rollback|health monitor/);
    expect(last.details).toMatchObject({ automatic: true });
    expect(Number(last.details!['runs'])).toBeGreaterThanOrEqual(5);
    expect(Number(last.details!['failureRate'])).toBeGreaterThan(0.2);
    expect(rolledBackAt).toBeLessThan(Date.parse(canary!.windowEndsAt!));
    // The bad version's runs failed there (pinned, not retried elsewhere); the old one's all succeeded.
    expect(offVersion).toEqual([]);
    expect(versions['v2']?.submitted ?? 0).toBeGreaterThanOrEqual(5);
    expect(v2Failures.every((c) => c === 'TOOL_FAILED')).toBe(true);
    expect(v1Runs.length).toBeGreaterThan(0);
    expect(v1Runs.every((r) => r?.['status'] === 'succeeded')).toBe(true);
    expect(counts.failed).toBe(versions['v2']?.submitted ?? 0);
    // After the rollback no new run goes to the bad version; v1 is active again, v2 has no canary share.
    expect(afterRollback.length).toBeGreaterThan(0);
    expect(afterRollback.every((o) => o.version === 1)).toBe(true);
    expect((view.body['active'] as Deployment).version).toBe(1);
    expect(view.body['canary'] ?? null).toBeNull();
  });
});
