import { openDataSource } from '@af/persistence';
import { loadTriggersConfig } from './config.js';
import { triggersDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/triggers`: runs pending migrations (and the role's grants) and exits. */
const config = loadTriggersConfig();
const dataSource = await openDataSource({ ...triggersDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('triggers migrations are up to date');
