/** The "new agent" starting point: the shape of examples/lead-qualifier.yaml, valid as it is. */
export const NEW_AGENT_TEMPLATE = `apiVersion: agentfactory.io/v1
kind: AgentBlueprint
metadata:
  name: my-agent
  description: What this agent does, in one line
  labels:
    team: my-team
spec:
  goal: Decide whether an inbound lead is qualified.
  governance:
    autonomyLevel: supervised
  triggers:
    - type: api
  model:
    route: [offline/default]
    maxCostUsdPerRun: 0.05
  prompt:
    system: "You qualify leads for {{company}}."
    user: "Lead: {{input.message}}"
    variables:
      company: Acme
  tools:
    - name: score_lead
      description: Score a lead 0-100
      scope: internal
      inputSchema:
        type: object
        properties:
          message: {type: string}
        required: [message]
      code: |
        export default function ({ message }) { return { score: Math.min(100, message.length) }; }
  output:
    schema:
      type: object
      properties:
        qualified: {type: boolean}
        score: {type: number}
      required: [qualified]
`;
