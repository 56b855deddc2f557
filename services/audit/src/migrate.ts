import { openDataSource } from '@af/persistence';
import { loadAuditConfig } from './config.js';
import { auditDataSource } from './persistence/data-source.js';

/** `npm run migrate -w services/audit`: runs pending migrations (and the role's grants) and exits. */
const config = loadAuditConfig();
const dataSource = await openDataSource({ ...auditDataSource(config.database.url), access: config.database });
await dataSource.destroy();
console.log('audit migrations are up to date');
