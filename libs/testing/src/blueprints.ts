/** The tool code of the product's example blueprint: scores a lead by the length of its message. */
export const SCORE_LEAD_CODE = 'export default function ({ message }: { message: string }) {\n  return { score: Math.min(100, message.length) };\n}\n';

export interface LeadQualifierOptions {
  name?: string;
  /** TypeScript source of the score_lead tool. */
  toolCode?: string;
  /** `spec.network.allowHosts` for the tool's fetch bridge (absent when not given). */
  allowHosts?: string[];
}

/**
 * The example blueprint of the product docs (examples/lead-qualifier.yaml) as JSON, the builder
 * every test starts from: `leadQualifier({ name: 'other', toolCode: '…' })`.
 */
export function leadQualifier(options: LeadQualifierOptions = {}) {
  return {
    apiVersion: 'agentfactory.io/v1',
    kind: 'AgentBlueprint',
    metadata: { name: options.name ?? 'lead-qualifier', description: 'Qualifies inbound leads', labels: { team: 'sales' } },
    spec: {
      goal: 'Decide whether an inbound lead is qualified.',
      governance: { autonomyLevel: 'supervised' },
      triggers: [{ type: 'api' }],
      model: { route: ['offline/default'], maxCostUsdPerRun: 0.05 },
      prompt: { system: 'You qualify leads for {{company}}.', user: 'Lead: {{input.message}}', variables: { company: 'Acme' } },
      ...(options.allowHosts ? { network: { allowHosts: options.allowHosts } } : {}),
      tools: [
        {
          name: 'score_lead',
          description: 'Score a lead 0-100',
          scope: 'internal',
          inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
          code: options.toolCode ?? SCORE_LEAD_CODE,
        },
      ],
      output: { schema: { type: 'object', properties: { qualified: { type: 'boolean' }, score: { type: 'number' } }, required: ['qualified'] } },
    },
  };
}
