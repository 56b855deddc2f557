import pMap from 'p-map';
import { AppError, ErrorCode, toAppError } from '@af/errors';

/** What GET /v1/agents looks up per agent: the deployment service's view and the health service's stats. */
export const AGENT_PARTS = ['deployment', 'health'] as const;
export type AgentPart = (typeof AGENT_PARTS)[number];

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface AgentLookups<D, H> {
  deployment(agent: string): Promise<D>;
  health(agent: string): Promise<H>;
}

export interface AgentFacts<D, H> {
  deployment: Outcome<D>;
  health: Outcome<H>;
}

/** A service that times out or is unavailable for one agent will do so for the next: the page does not wait for it again. */
const GIVE_UP: ReadonlySet<string> = new Set([ErrorCode.Timeout, ErrorCode.Unavailable]);

/**
 * Every agent's deployment and health, at most `concurrency` lookups in flight (the page size
 * bounds the total). A failed lookup is an outcome, never a throw: the agent is still listed. Once
 * one part timed out or was unavailable, that part's lookups still queued are not sent (they say
 * which agent's lookup failed), so a stuck service costs the page one timeout, not one per agent.
 */
export async function lookUpAgents<D, H>(agents: readonly string[], lookups: AgentLookups<D, H>, concurrency: number): Promise<AgentFacts<D, H>[]> {
  const results = agents.map(() => ({}) as Partial<Record<AgentPart, Outcome<unknown>>>);
  const gaveUp: Partial<Record<AgentPart, { agent: string; error: AppError }>> = {};
  const tasks = agents.flatMap((agent, index) => AGENT_PARTS.map((part) => ({ agent, index, part })));
  await pMap(
    tasks,
    async ({ agent, index, part }) => {
      const down = gaveUp[part];
      if (down) {
        results[index]![part] = { ok: false, error: new AppError(down.error.code, `not asked: the ${part} lookup of ${down.agent} failed (${down.error.message})`) };
        return;
      }
      try {
        results[index]![part] = { ok: true, value: await lookups[part](agent) };
      } catch (error) {
        const appError = toAppError(error);
        if (GIVE_UP.has(appError.code)) gaveUp[part] ??= { agent, error: appError };
        results[index]![part] = { ok: false, error: appError };
      }
    },
    { concurrency },
  );
  return results as unknown as AgentFacts<D, H>[];
}
