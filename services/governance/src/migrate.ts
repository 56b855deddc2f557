import { openDataSource } from '@af/persistence';
import { loadGovernanceConfig } from './config.js';
import { governanceDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/governance`: runs pending migrations and exits. */
const config = loadGovernanceConfig();
const dataSource = await openDataSource({ ...governanceDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('governance migrations are up to date');
