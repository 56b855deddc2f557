import { runService } from '@af/runtime';
import { AppModule } from './app.module.js';
import { loadGatewayConfig } from './config.js';
import { configureGatewayHttp } from './http/configure-http.js';

const config = loadGatewayConfig();
await runService({
  service: 'gateway',
  ...config,
  module: (runtime) => AppModule.forRoot(config, runtime),
  configureHttp: configureGatewayHttp,
});
