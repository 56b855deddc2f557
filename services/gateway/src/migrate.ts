import { openDataSource } from '@af/persistence';
import { loadGatewayConfig } from './config.js';
import { gatewayDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/gateway`: runs pending migrations and exits. */
const config = loadGatewayConfig();
const dataSource = await openDataSource({ ...gatewayDataSource(config.database.url, config.apiKeys.schema), access: config.database });
await dataSource.destroy();
console.log('gateway migrations are up to date');
