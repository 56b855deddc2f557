/** The providers the reference blueprint's route names, as a deployment configures them (AF_MODEL_PROVIDERS keys + offline). */
export const CONFIGURED_PROVIDERS = { modelProviders: ['offline', 'openai', 'anthropic'] } as const;

/** A complete, valid blueprint; tests change one thing at a time. */
export function validBlueprint(): Record<string, unknown> {
  return {
    apiVersion: 'agentfactory.io/v1',
    kind: 'AgentBlueprint',
    metadata: { name: 'lead-qualifier', description: 'Qualifies inbound leads', labels: { team: 'sales', 'app.kubernetes.io/part-of': 'crm' } },
    spec: {
      goal: 'Qualify inbound real-estate leads and score them',
      network: { allowHosts: ['listings.example.com'] },
      industryProfile: 'RealEstate',
      governance: { autonomyLevel: 'supervised' },
      triggers: [{ type: 'api' }, { type: 'schedule', cron: '*/15 9-17 * * MON-FRI', timezone: 'Europe/Berlin' }, { type: 'event', subject: 'crm.lead.created' }, { type: 'webhook', secret: 'crm-hook' }],
      context: { accessLevel: 'team', memory: { working: true, episodic: { lookback: '30d' }, semantic: { topK: 5 } } },
      model: { route: ['openai/gpt-4o-mini', 'offline/echo'], maxCostUsdPerRun: 0.5, temperature: 0.2 },
      prompt: {
        system: 'You qualify leads for {{company}}.',
        user: 'Lead message: {{input.message}}\nBudget hint: {{ input.budget }}',
        variables: { company: 'Acme Realty' },
      },
      tools: [
        {
          name: 'score_lead',
          description: 'Scores a lead',
          scope: 'internal',
          inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
          code: 'export default async function run(input: { message: string }): Promise<{ score: number }> {\n  return { score: input.message.length > 10 ? 0.9 : 0.1 };\n}\n',
        },
        { name: 'fetch-listing', scope: 'external', builtin: 'http.request' },
        { name: 'update_crm', scope: 'external', builtin: 'crm.update' },
      ],
      actions: { maxAllowedScope: 'external', requireApproval: ['update_crm'] },
      output: {
        schema: { type: 'object', properties: { qualified: { type: 'boolean' }, score: { type: 'number', minimum: 0, maximum: 1 } }, required: ['qualified'] },
        minConfidence: 0.7,
      },
      evals: [{ name: 'hot lead', input: { message: 'I want to buy a 3 bedroom house next month' }, expect: { qualified: true, score: 0.9 } }],
    },
  };
}
