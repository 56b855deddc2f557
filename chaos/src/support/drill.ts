import type { ChaosClient, SubmitOutcome } from './client.js';
import type { EffectRecorder } from './effects.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The counts every chaos test prints, and asserts on. */
export interface DrillCounts {
  submitted: number;
  accepted: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  deadLettered: number;
  /** Accepted (2xx) but the run is not found at the end. */
  lost: number;
  /** Accepted, found, but not final at the end. */
  stuck: number;
  /** Distinct tool effects recorded for this drill's runs, and repeated executions among them. */
  effects: number;
  duplicateEffects: number;
  /** Runs whose attempts > 1 (executed again after a fault). */
  retriedRuns: number;
  /** HTTP 5xx answers the clients got, by status (never 500). */
  fiveHundreds: Record<number, number>;
  transportErrors: number;
}

export function printCounts(name: string, counts: DrillCounts, extra: Record<string, unknown> = {}): void {
  // One line a person (and CI log) can read: the Done-when asks each test to print its counts.
  console.log(`[chaos] ${name}: ${JSON.stringify({ ...counts, ...extra })}`);
}

/**
 * Submits `total` runs of `agent` at `perSecond`, each with its own key `<prefix>-<i>` (also its
 * Idempotency-Key), while `fault` runs at `faultAtMs`. Returns the submissions.
 */
export async function load(client: ChaosClient, agent: string, opts: { prefix: string; total: number; perSecond: number; faultAtMs?: number; fault?: () => Promise<void> }): Promise<{ outcomes: SubmitOutcome[]; faultError?: unknown }> {
  const pending: Promise<SubmitOutcome>[] = [];
  let faultError: unknown;
  const faultDone = opts.fault
    ? sleep(opts.faultAtMs ?? 0).then(opts.fault).catch((e: unknown) => {
        faultError = e;
      })
    : Promise.resolve();
  const gap = 1_000 / opts.perSecond;
  const started = Date.now();
  for (let i = 0; i < opts.total; i++) {
    const key = `${opts.prefix}-${i}`;
    pending.push(client.submit(agent, { key }, { key, deadlineMs: 240_000 }));
    const next = started + (i + 1) * gap;
    if (next > Date.now()) await sleep(next - Date.now());
  }
  const outcomes = await Promise.all(pending);
  await faultDone;
  return { outcomes, faultError };
}

/** Waits for every accepted run to be final and counts what happened. */
export async function tally(client: ChaosClient, outcomes: SubmitOutcome[], effects: EffectRecorder | undefined, settleMs: number): Promise<{ counts: DrillCounts; runs: Map<string, Record<string, unknown>> }> {
  const accepted = outcomes.filter((o) => o.accepted && o.runId);
  const runs = await client.settle(accepted.map((o) => o.runId!), settleMs);
  const mine = effects?.countFor(outcomes.map((o) => o.key));
  const status = (s: string) => [...runs.values()].filter((r) => r['status'] === s).length;
  const counts: DrillCounts = {
    submitted: outcomes.length,
    accepted: accepted.length,
    succeeded: status('succeeded'),
    failed: status('failed'),
    cancelled: status('cancelled'),
    deadLettered: status('dead_lettered'),
    lost: accepted.filter((o) => !runs.has(o.runId!)).length,
    stuck: [...runs.values()].filter((r) => !['succeeded', 'failed', 'cancelled', 'dead_lettered'].includes(String(r['status']))).length,
    effects: mine?.effects ?? 0,
    duplicateEffects: mine?.duplicates ?? 0,
    retriedRuns: [...runs.values()].filter((r) => Number(r['attempts']) > 1).length,
    fiveHundreds: client.tally.fiveHundreds(),
    transportErrors: client.tally.transportErrors,
  };
  return { counts, runs };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export { sleep };
