import type { AfClient, components, paths } from '@af/api-client';

export type Deployment = components['schemas']['Deployment'];
export type AgentView = paths['/v1/agents/{name}']['get']['responses']['200']['content']['application/json'];

/** Statuses a deployment does not leave by itself. */
const SETTLED = new Set(['active', 'failed', 'rolled_back', 'superseded']);

export interface DeployRequest {
  version?: number;
  /** Percent of new runs for a canary; absent: an immediate deployment. */
  canary?: number;
  /** The watch window in seconds (automatic rollback; a canary's promotion at its end). */
  windowSeconds?: number;
}

export async function deploy(client: AfClient, agent: string, request: DeployRequest): Promise<Deployment> {
  const body = {
    ...(request.version === undefined ? {} : { version: request.version }),
    ...(request.canary === undefined ? {} : { strategy: 'canary' as const, canaryPercent: request.canary }),
    ...(request.windowSeconds === undefined ? {} : { windowSeconds: request.windowSeconds }),
  };
  const { data } = await client.POST('/v1/agents/{name}/deployments', { params: { path: { name: agent } }, body });
  return data!;
}

export async function getAgent(client: AfClient, agent: string): Promise<AgentView> {
  const { data } = await client.GET('/v1/agents/{name}', { params: { path: { name: agent } } });
  return data!;
}

export async function getDeployment(client: AfClient, agent: string, id: string): Promise<Deployment> {
  const { data } = await client.GET('/v1/agents/{name}/deployments/{id}', { params: { path: { name: agent, id } } });
  return data!;
}

/** The agent's newest deployment (what `af rollout status` follows), or undefined when it has none. */
export async function latestDeployment(client: AfClient, agent: string): Promise<Deployment | undefined> {
  const { data } = await client.GET('/v1/agents/{name}/deployments', { params: { path: { name: agent }, query: { limit: 1 } } });
  return data!.items[0];
}

export async function promote(client: AfClient, agent: string, id: string): Promise<Deployment> {
  const { data } = await client.POST('/v1/agents/{name}/deployments/{id}/promote', { params: { path: { name: agent, id } }, body: {} });
  return data!;
}

export async function rollback(client: AfClient, agent: string, request: { toVersion?: number; reason?: string }): Promise<Deployment> {
  const body = { ...(request.toVersion === undefined ? {} : { toVersion: request.toVersion }), ...(request.reason === undefined ? {} : { reason: request.reason }) };
  const { data } = await client.POST('/v1/agents/{name}/rollback', { params: { path: { name: agent } }, body });
  return data!;
}

/** One agent in `af agents`: its latest version, what is live (active, canary share), health and recent error rate. */
export type AgentSummary = paths['/v1/agents']['get']['responses']['200']['content']['application/json']['items'][number];

/** The tenant's agents with their health (GET /v1/agents), every page. */
export async function listAgents(client: AfClient): Promise<AgentSummary[]> {
  const out: AgentSummary[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await client.GET('/v1/agents', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } });
    out.push(...data!.items);
    cursor = data!.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** What a rollout looks like at one poll: the deployment, its share of new runs, the agent's health. */
export interface RolloutProgress {
  deployment: Deployment;
  /** Percent of new runs this deployment's version takes now (from the agent view), when known. */
  share: number | undefined;
  health: string;
}

export type RolloutOutcome = 'active' | 'rolled_back' | 'failed' | 'superseded' | 'timeout';

export interface RolloutWatch {
  timeoutMs: number;
  intervalMs: number;
  onProgress: (progress: RolloutProgress) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polls the deployment and the agent until the deployment settles (active, rolled back, failed,
 * superseded) or the time is up. Each poll is reported (the caller prints only what changed).
 */
export async function watchRollout(client: AfClient, agent: string, deploymentId: string, watch: RolloutWatch): Promise<{ outcome: RolloutOutcome; last: RolloutProgress }> {
  const sleep = watch.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + watch.timeoutMs;
  for (;;) {
    const [deployment, view] = await Promise.all([getDeployment(client, agent, deploymentId), getAgent(client, agent)]);
    const share = view.versions.find((v) => v.deploymentId === deployment.deploymentId)?.percent;
    const last: RolloutProgress = { deployment, share, health: view.health };
    watch.onProgress(last);
    if (SETTLED.has(deployment.status)) return { outcome: deployment.status as RolloutOutcome, last };
    if (Date.now() >= deadline) return { outcome: 'timeout', last };
    await sleep(Math.min(watch.intervalMs, Math.max(0, deadline - Date.now())));
  }
}
