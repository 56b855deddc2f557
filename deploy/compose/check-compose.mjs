// Checks the resolved docker-compose config (the output of `docker-compose config`) against the
// contracts: usage node deploy/compose/check-compose.mjs <resolved.yml> <repository root>.
// Exits 1 and names every problem found.
import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** The services and their HTTP ports, from libs/contracts/src/services.ts (the `servicePorts` table). */
export function contractPorts(root) {
  const source = readFileSync(join(root, 'libs/contracts/src/services.ts'), 'utf8');
  const ports = {};
  for (const m of source.matchAll(/^\s*'?([a-z-]+)'?:\s*(80\d\d),\s*$/gm)) ports[m[1]] = Number(m[2]);
  if (Object.keys(ports).length < 16) throw new Error(`found ${Object.keys(ports).length} service ports in libs/contracts/src/services.ts, expected 16`);
  return ports;
}

export function problemsOf(config, root) {
  const problems = [];
  const services = config.services ?? {};
  for (const [name, port] of Object.entries(contractPorts(root))) {
    const svc = services[name];
    if (!svc) {
      problems.push(`service ${name} is missing`);
      continue;
    }
    const env = svc.environment ?? {};
    if (String(env.HTTP_PORT) !== String(port)) problems.push(`service ${name}: HTTP_PORT is ${env.HTTP_PORT}, the contracts say ${port}`);
    if (!svc.healthcheck) problems.push(`service ${name} has no healthcheck`);
    if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) problems.push(`service ${name}: no OTEL_EXPORTER_OTLP_ENDPOINT (its traces go nowhere)`);
    const replicas = Number(env.NATS_STREAM_REPLICAS ?? 1);
    const natsNodes = Object.keys(services).filter((s) => /^nats(-\d+)?$/.test(s)).length;
    if (replicas > natsNodes) problems.push(`service ${name}: NATS_STREAM_REPLICAS=${replicas} but the file has ${natsNodes} NATS node(s)`);
  }
  for (const [name, svc] of Object.entries(services)) {
    for (const [dep, cond] of Object.entries(svc.depends_on ?? {})) {
      if (!services[dep]) problems.push(`service ${name} depends on ${dep}, which is not defined`);
      else if (services[dep].healthcheck && !services[dep].healthcheck.disable && cond?.condition !== 'service_healthy') problems.push(`service ${name} depends on ${dep} without condition: service_healthy`);
    }
    for (const volume of svc.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.type === 'bind' ? volume.source : undefined;
      if (source && isAbsolute(source) && !existsSync(source)) problems.push(`service ${name} mounts ${source}, which does not exist`);
    }
  }
  return problems;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [file, root] = process.argv.slice(2);
  const problems = problemsOf(parse(readFileSync(file, 'utf8')), root);
  if (problems.length) {
    console.error(`check-compose: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
}
