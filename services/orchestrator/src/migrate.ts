import { openDataSource } from '@af/persistence';
import { loadOrchestratorConfig } from './config.js';
import { orchestratorDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/orchestrator`: runs pending migrations and exits. */
const config = loadOrchestratorConfig();
const dataSource = await openDataSource({ ...orchestratorDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('orchestrator migrations are up to date');
