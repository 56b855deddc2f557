import { openDataSource } from '@af/persistence';
import { loadWebhooksConfig } from './config.js';
import { webhooksDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/webhooks`: runs pending migrations (and the role's grants) and exits. */
const config = loadWebhooksConfig();
const dataSource = await openDataSource({ ...webhooksDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('webhooks migrations are up to date');
