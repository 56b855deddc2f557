// The servers under test for bench/gateway/gateway.bench.mjs, in a process of their own (the load
// generator must not share their event loop). Prints one JSON line {ports} once everything listens,
// then serves until SIGTERM. Environment: set by the bench (AF_NAMESPACE, schema, key prefix, secrets).
//
//   raw      Fastify alone: GET /hello → {"hello":"world"}
//   bare     Nest on Fastify with the bench controller only (no module, hook, guard or filter of ours):
//            a reference for what the framework itself costs
//   plain    the gateway (Nest, every production hook) WITHOUT the rate-limit hook, plus a bench
//            controller: GET /v1/bench/open (@Public) and GET /v1/bench/hello (@RequirePermission)
//   limited  the same gateway WITH the rate-limit hook (configureGatewayHttp as in production)
// plus a control endpoint (node:http, GET → this process's process.cpuUsage()) so the bench can
// measure the servers' CPU time per request, and a stand-in health service answering af.v1.health.status on the real NATS, so that
// GET /v1/mesh/health is a real NATS request/reply.
import 'reflect-metadata';
import { createServer } from 'node:http';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const dist = (path) => import(join(root, 'services/gateway/dist', path));

const { default: Fastify } = await import('fastify');
const { Controller, Get, Module } = await import('@nestjs/common');
const { NestFactory } = await import('@nestjs/core');
const { FastifyAdapter } = await import('@nestjs/platform-fastify');
const { Public } = await import('@af/observability');
const { bootstrapService } = await import('@af/runtime');
const { connectNats, encode, processNamespace } = await import('@af/messaging');
const { Headers, MeshStatusReplySchema } = await import('@af/contracts');
const { headers: natsHeaders } = await import('@nats-io/nats-core');
const { AppModule } = await dist('app.module.js');
const { loadGatewayConfig } = await dist('config.js');
const { configureGatewayHttp } = await dist('http/configure-http.js');
const { installEarlyAuthentication } = await dist('auth/early-authentication.js');
const { installBodyParsers } = await dist('http/body-parsers.js');
const { RequirePermission } = await dist('auth/require-permission.decorator.js');

/** The cheapest route the gateway can have: no I/O, a constant body. */
class BenchController {
  open() {
    return { hello: 'world' };
  }
  hello() {
    return { hello: 'world' };
  }
}
const method = (name) => Object.getOwnPropertyDescriptor(BenchController.prototype, name);
Public()(BenchController.prototype, 'open', method('open'));
Get('open')(BenchController.prototype, 'open', method('open'));
RequirePermission('ViewAgents')(BenchController.prototype, 'hello', method('hello'));
Get('hello')(BenchController.prototype, 'hello', method('hello'));
Controller('v1/bench')(BenchController);

const raw = Fastify({ logger: false });
raw.get('/hello', async () => ({ hello: 'world' }));
await raw.listen({ host: '127.0.0.1', port: 0 });

class BareController {
  open() {
    return { hello: 'world' };
  }
}
Get('open')(BareController.prototype, 'open', Object.getOwnPropertyDescriptor(BareController.prototype, 'open'));
Controller('v1/bench')(BareController);
class BareModule {}
Module({ controllers: [BareController] })(BareModule);
const bare = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
await bare.listen({ host: '127.0.0.1', port: 0 });

const config = loadGatewayConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: 'warn' });
async function gateway(configureHttp) {
  const service = await bootstrapService({
    service: 'gateway',
    ...config,
    http: { ...config.http, port: 0 },
    // The bench generates more load than the default in-flight bound was sized for.
    backPressure: { httpMaxInFlight: 10_000, natsMaxInFlight: 10_000, retryAfterSec: 1 },
    logLevel: 'warn',
    module: (runtime) => {
      const module = AppModule.forRoot(config, runtime);
      return { ...module, controllers: [...(module.controllers ?? []), BenchController] };
    },
    configureHttp,
  });
  return service;
}
const plain = await gateway((app) => {
  installEarlyAuthentication(app);
  installBodyParsers(app);
});
const limited = await gateway(configureGatewayHttp);

const nc = await connectNats({ url: config.nats.url, service: 'health', instanceId: 'bench-health' });
const reply = encode(MeshStatusReplySchema, { status: 'ok', services: [] });
nc.subscribe(processNamespace().subject('af.v1.health.status'), {
  callback: (_err, msg) => {
    const h = natsHeaders();
    h.set(Headers.status, 'ok');
    msg.respond(reply, { headers: h });
  },
});
await nc.flush();

const control = createServer((_req, res) => res.end(JSON.stringify(process.cpuUsage())));
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));

const port = (server) => server.address().port;
console.log(JSON.stringify({ control: port(control), raw: raw.server.address().port, bare: port(bare.getHttpServer()), plain: port(plain.app.getHttpServer()), limited: port(limited.app.getHttpServer()) }));

process.once('SIGTERM', async () => {
  control.close();
  await nc.drain();
  await Promise.all([raw.close(), bare.close(), plain.close(), limited.close()]);
  process.exit(0);
});
