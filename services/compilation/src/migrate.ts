import { openDataSource } from '@af/persistence';
import { loadCompilationConfig } from './config.js';
import { compilationDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/compilation`: runs pending migrations and exits. */
const config = loadCompilationConfig();
const dataSource = await openDataSource({ ...compilationDataSource(config.database.url, config.database.schema), access: config.database });
await dataSource.destroy();
console.log('compilation migrations are up to date');
