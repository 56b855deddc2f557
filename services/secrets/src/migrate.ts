import { openDataSource } from '@af/persistence';
import { loadSecretsConfig } from './config.js';
import { secretsDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/secrets`: runs pending migrations (and the role's grants) and exits. */
const config = loadSecretsConfig();
const dataSource = await openDataSource({ ...secretsDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('secrets migrations are up to date');
