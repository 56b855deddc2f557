import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export interface ApiResponse {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; path?: string } };
  headers: Headers;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'dead_lettered']);

export function isFinal(status: unknown): boolean {
  return FINAL.has(String(status));
}

/** What the clients of one test saw: every HTTP status, and transport errors (no answer at all). */
export class StatusTally {
  readonly byStatus = new Map<number, number>();
  transportErrors = 0;

  add(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  count(predicate: (status: number) => boolean): number {
    return [...this.byStatus].filter(([s]) => predicate(s)).reduce((n, [, c]) => n + c, 0);
  }

  /** e.g. `{503: 4, 504: 1}`: the 5xx answers by status. */
  fiveHundreds(): Record<number, number> {
    return Object.fromEntries([...this.byStatus].filter(([s]) => s >= 500).sort(([a], [b]) => a - b));
  }
}

/** A client of the gateway for one tenant, with a JWT minted like scripts/mint-token.mjs. */
export class ChaosClient {
  readonly tally = new StatusTally();
  private token = '';

  constructor(
    private readonly gatewayUrl: () => string,
    private readonly secret: string,
    readonly tenant = `chaos-${randomBytes(4).toString('hex')}`,
  ) {}

  async login(): Promise<this> {
    this.token = await new SignJWT({ tenant: this.tenant, roles: ['Administrator'], permissions: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('chaos@acme.test')
      .setIssuer('agent-factory')
      .setAudience('agent-factory-api')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(this.secret));
    return this;
  }

  async api(method: string, path: string, opts: { body?: unknown; raw?: string; type?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] = opts.type ?? 'application/yaml';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.gatewayUrl() + path, { method, headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000), ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: ApiResponse['body'];
    try {
      parsed = text ? (JSON.parse(text) as ApiResponse['body']) : {};
    } catch {
      parsed = { raw: text };
    }
    this.tally.add(res.status);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Creates and deploys a blueprint (JSON document); throws on anything but success. */
  async deploy(blueprint: { metadata: { name: string } }): Promise<void> {
    const created = await this.api('POST', '/v1/blueprints', { body: blueprint });
    if (created.status !== 201) throw new Error(`create ${blueprint.metadata.name}: ${created.status} ${JSON.stringify(created.body)}`);
    const deployed = await this.api('POST', `/v1/agents/${blueprint.metadata.name}/deployments`, { body: {}, timeoutMs: 60_000 });
    if (deployed.status !== 201) throw new Error(`deploy ${blueprint.metadata.name}: ${deployed.status} ${JSON.stringify(deployed.body)}`);
  }

  /**
   * Submits a run the way a careful client does: one Idempotency-Key for all its attempts, and a
   * retry after 503/504/429 (waiting Retry-After) or a dropped connection, until `deadline`.
   * Returns the accepted run, or the last refusal.
   */
  async submit(agent: string, input: unknown, opts: { key?: string; priority?: string; deadlineMs?: number } = {}): Promise<SubmitOutcome> {
    const key = opts.key ?? randomUUID();
    const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
    const answers: number[] = [];
    for (;;) {
      let res: ApiResponse | undefined;
      try {
        res = await this.api('POST', `/v1/agents/${agent}/runs`, { body: { input, ...(opts.priority ? { priority: opts.priority } : {}) }, headers: { 'idempotency-key': key } });
      } catch {
        this.tally.transportErrors++;
        answers.push(0);
      }
      if (res) {
        answers.push(res.status);
        if (res.status === 200 || res.status === 202) return { accepted: true, runId: String(res.body['runId']), key, answers, replayed: res.status === 200, version: Number(res.body['version']), acceptedAt: Date.now() };
        const retryable = res.status === 503 || res.status === 504 || res.status === 429;
        if (!retryable) return { accepted: false, key, answers, error: res.body.error };
      }
      if (Date.now() > deadline) return { accepted: false, key, answers };
      const retryAfter = Number(res?.headers.get('retry-after') ?? '1');
      await sleep(Math.min(5_000, Math.max(200, (Number.isFinite(retryAfter) ? retryAfter : 1) * 1_000)));
    }
  }

  /** GET a run, retrying while the mesh answers 503/504 or not at all. */
  async run(runId: string): Promise<ApiResponse | undefined> {
    try {
      return await this.api('GET', `/v1/runs/${runId}`, { timeoutMs: 10_000 });
    } catch {
      this.tally.transportErrors++;
      return undefined;
    }
  }

  /** Polls until every run is final or the deadline passes; returns the last record of each. */
  async settle(runIds: readonly string[], timeoutMs: number): Promise<Map<string, Record<string, unknown>>> {
    const last = new Map<string, Record<string, unknown>>();
    const open = new Set(runIds);
    const deadline = Date.now() + timeoutMs;
    while (open.size > 0 && Date.now() < deadline) {
      const ids = [...open];
      for (let i = 0; i < ids.length; i += 16) {
        await Promise.all(
          ids.slice(i, i + 16).map(async (id) => {
            const res = await this.run(id);
            if (res?.status !== 200) return;
            last.set(id, res.body);
            if (isFinal(res.body['status'])) open.delete(id);
          }),
        );
      }
      if (open.size > 0) await sleep(500);
    }
    return last;
  }
}

export interface SubmitOutcome {
  accepted: boolean;
  runId?: string;
  key: string;
  /** Every HTTP status the client got for this submission, in order (0: no answer). */
  answers: number[];
  replayed?: boolean;
  /** The version the run was routed to and pinned on (the submit reply's `version`). */
  version?: number;
  /** When the accepting answer arrived (ms since the epoch). */
  acceptedAt?: number;
  error?: { code: string; message: string; path?: string } | undefined;
}
