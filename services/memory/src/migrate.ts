import { openDataSource } from '@af/persistence';
import { loadMemoryConfig } from './config.js';
import { memoryDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/memory`: runs pending migrations and exits. */
const config = loadMemoryConfig();
const dataSource = await openDataSource({ ...memoryDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('memory migrations are up to date');
