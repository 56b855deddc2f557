import { openDataSource } from '@af/persistence';
import { loadBlueprintsConfig } from './config.js';
import { blueprintsDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/blueprints`: runs pending migrations and exits. */
const config = loadBlueprintsConfig();
const dataSource = await openDataSource({ ...blueprintsDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('blueprints migrations are up to date');
