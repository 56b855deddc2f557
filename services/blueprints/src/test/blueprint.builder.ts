/** A valid blueprint as YAML text; tests vary the name and a few fields. */
export function blueprintYaml(name: string, options: { goal?: string; maxAllowedScope?: string; extraTool?: string } = {}): string {
  return `apiVersion: agentfactory.io/v1
kind: AgentBlueprint
metadata:
  name: ${name}
  labels:
    team: sales
spec:
  goal: ${JSON.stringify(options.goal ?? 'Qualify inbound leads')}
  model:
    route: [offline/echo]
  prompt:
    system: You qualify leads for {{company}}.
    user: "Lead: {{input.message}}"
    variables:
      company: Acme Realty
  tools:
    - name: score_lead
      scope: internal
      code: |
        export default function run(input: { message: string }) {
          return { score: input.message.length > 10 ? 0.9 : 0.1 };
        }
    - name: update_crm
      scope: external
      builtin: crm.update
${options.extraTool ?? ''}  actions:
    maxAllowedScope: ${options.maxAllowedScope ?? 'external'}
  output:
    schema:
      type: object
      properties:
        qualified: { type: boolean }
      required: [qualified]
`;
}
