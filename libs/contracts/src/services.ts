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
  'pool-manager',
  'audit',
  'governance',
  'metering',
  'secrets',
  'webhooks',
  'triggers',
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
  'pool-manager': 8089,
  audit: 8090,
  governance: 8091,
  metering: 8092,
  secrets: 8093,
  webhooks: 8094,
  triggers: 8095,
};

/**
 * Services the mesh is whole without: the pool manager is the local stand-in for KEDA + the HPA
 * (it supervises worker processes on one host) and does not run where Kubernetes scales the
 * workers. The mesh status lists them when they report, and is not degraded when they do not.
 */
export const optionalServiceNames: readonly ServiceName[] = ['pool-manager'];
