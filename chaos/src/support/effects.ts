import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ListEpisodesReplySchema, ListEpisodesRequestSchema } from '@af/contracts';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/**
 * Counts the side effects of tool code, across every worker process, from outside the mesh.
 *
 * The worker's sandbox has two ways out: `fetch` (whose SSRF guard refuses loopback, with no
 * environment switch — on purpose) and `memory.recall`, a NATS request on
 * `af.v1.memory.episodes.list`. The chaos blueprint's tools call `memory.recall` with a marker
 * `fx|<key>|<step>` as query; this recorder subscribes to that subject on our own nats-server and
 * counts each marker — one per executed tool call. With `answerAfterMs` it also answers (an empty
 * episode list after a delay), which makes every tool step a slow I/O wait so faults land mid-run;
 * it then stands in for the memory service's recall, which the mesh under test does not run.
 */
export class EffectRecorder {
  private nc: NatsConnection | undefined;
  private sub: Subscription | undefined;
  private readonly seen = new Map<string, number>();
  /** Markers in order of arrival, with their time: for "no tool call after the cancel". */
  readonly log: { marker: string; at: number }[] = [];

  constructor(private readonly answerAfterMs?: number) {}

  async start(natsUrl: string): Promise<void> {
    this.nc = await connect({ servers: natsUrl, name: 'chaos-effect-recorder', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    this.sub = this.nc.subscribe('af.v1.memory.episodes.list', {
      callback: (error, msg) => {
        if (error) return;
        let query = '';
        try {
          query = fromBinary(ListEpisodesRequestSchema, msg.data).query;
        } catch {
          return;
        }
        if (!query.startsWith('fx|')) return;
        this.seen.set(query, (this.seen.get(query) ?? 0) + 1);
        this.log.push({ marker: query, at: Date.now() });
        if (this.answerAfterMs !== undefined && msg.reply) {
          setTimeout(() => msg.respond(toBinary(ListEpisodesReplySchema, create(ListEpisodesReplySchema, { episodes: [] }))), this.answerAfterMs);
        }
      },
    });
  }

  /** Tool executions recorded for a run key (every step, repeats included). */
  forKey(key: string): number {
    let n = 0;
    for (const [marker, count] of this.seen) if (marker.startsWith(`fx|${key}|`)) n += count;
    return n;
  }

  /** Distinct effects and repeated executions among the given run keys (one drill's runs). */
  countFor(keys: readonly string[]): { effects: number; duplicates: number; markers: string[] } {
    const wanted = new Set(keys);
    let effects = 0;
    let duplicates = 0;
    const markers: string[] = [];
    for (const [marker, count] of this.seen) {
      if (!wanted.has(marker.split('|')[1] ?? '')) continue;
      effects++;
      if (count > 1) {
        duplicates += count - 1;
        markers.push(`${marker}×${count}`);
      }
    }
    return { effects, duplicates, markers };
  }

  /**
   * Repeated executions of steps that had FINISHED before `faultAt`: a step whose first execution
   * was seen at t finished no earlier than t + stepMs (the recorder answers after stepMs), plus
   * `marginMs` for the worker to journal it. A repeat of a step still in flight at the fault is the
   * at-least-once edge (its receiver gets the step id as idempotency key); any other repeat — or
   * more than one repeated step in a run, or a step run three times — breaks the journal's promise.
   */
  repeatsOfFinishedSteps(keys: readonly string[], faultAt: number, stepMs: number, marginMs = 250): string[] {
    const wanted = new Set(keys);
    const first = new Map<string, number>();
    for (const { marker, at } of this.log) if (!first.has(marker)) first.set(marker, at);
    const bad: string[] = [];
    const repeatedPerRun = new Map<string, number>();
    for (const [marker, count] of this.seen) {
      const key = marker.split('|')[1] ?? '';
      if (!wanted.has(key) || count < 2) continue;
      repeatedPerRun.set(key, (repeatedPerRun.get(key) ?? 0) + 1);
      const finishedBy = first.get(marker)! + stepMs + marginMs;
      if (count > 2 || finishedBy < faultAt) bad.push(`${marker}×${count} (first ${faultAt - first.get(marker)!} ms before the fault)`);
    }
    for (const [key, n] of repeatedPerRun) if (n > 1) bad.push(`${key}: ${n} steps repeated`);
    return bad;
  }

  /** Distinct effects (marker seen at least once). */
  get effects(): number {
    return this.seen.size;
  }

  /** Effects recorded more than once: the repeats a journal must prevent. */
  get duplicates(): number {
    let n = 0;
    for (const count of this.seen.values()) if (count > 1) n += count - 1;
    return n;
  }

  duplicateMarkers(): string[] {
    return [...this.seen].filter(([, c]) => c > 1).map(([m, c]) => `${m}×${c}`);
  }

  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    await this.nc?.close().catch(() => undefined);
  }
}

/**
 * A blueprint whose `steps` tools each record one effect (a `memory.recall` with the marker
 * `fx|<key>|<step>`) and return. The offline model calls every tool once, in order, then answers.
 */
export function effectBlueprint(name: string, steps = 3) {
  const tool = (n: number) => ({
    name: `step_${n}`,
    description: `Records effect ${n} of the run`,
    scope: 'internal',
    inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
    code: `export default async ({ key }: { key: string }) => {\n  const seen = await memory.recall({ query: 'fx|' + key + '|${n}', limit: 1 });\n  return { step: ${n}, seen: seen.length };\n}\n`,
  });
  return {
    apiVersion: 'agentfactory.io/v1',
    kind: 'AgentBlueprint',
    metadata: { name, description: 'Chaos test agent: every tool records a countable effect', labels: { suite: 'chaos' } },
    spec: {
      goal: 'Record one effect per step.',
      governance: { autonomyLevel: 'supervised' },
      triggers: [{ type: 'api' }],
      model: { route: ['offline/default'], maxCostUsdPerRun: 0.05 },
      prompt: { system: 'You record effects.', user: 'Key: {{input.key}}' },
      tools: Array.from({ length: steps }, (_, i) => tool(i + 1)),
      output: { schema: { type: 'object', properties: { step: { type: 'number' } }, required: ['step'] } },
    },
  };
}
