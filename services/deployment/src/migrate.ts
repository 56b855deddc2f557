import { openDataSource } from '@af/persistence';
import { loadDeploymentConfig } from './config.js';
import { deploymentDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/deployment`: runs pending migrations and exits. */
const config = loadDeploymentConfig();
const dataSource = await openDataSource({ ...deploymentDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('deployment migrations are up to date');
