/** The services of the mesh; each owns its data, its queue group and its durable consumers. */
export const serviceNames = [
  'gateway',
  'blueprints',
  'validation',
  'compilation',
  'deployment',
  'orchestrator',
  'worker',
  'health',
  'memory',
] as const;

export type ServiceName = (typeof serviceNames)[number];

/** Default HTTP ports (health, metrics; the gateway's public API on 8080). */
export const defaultHttpPorts: Record<ServiceName, number> = {
  gateway: 8080,
  blueprints: 8081,
  validation: 8082,
  compilation: 8083,
  deployment: 8084,
  orchestrator: 8085,
  worker: 8086,
  health: 8087,
  memory: 8088,
};
