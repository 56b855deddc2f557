import { openDataSource } from '@af/persistence';
import { loadMeteringConfig } from './config.js';
import { meteringDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/metering`: runs pending migrations (and the role's grants) and exits. */
const config = loadMeteringConfig();
const dataSource = await openDataSource({ ...meteringDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('metering migrations are up to date');
