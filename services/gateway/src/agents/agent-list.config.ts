import { env } from '@af/config';

export const agentListConfigSpec = {
  lookupTimeoutMs: env.int('GATEWAY_AGENT_LIST_LOOKUP_TIMEOUT_MS', {
    default: 5_000,
    min: 100,
    max: 60_000,
    description: 'GET /v1/agents: how long one agent’s deployment or health lookup may take before the agent is listed with that part unavailable',
  }),
};
