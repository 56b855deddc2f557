import type { ServiceDataSourceOptions } from '@af/persistence';
import { DeploymentEntity } from './deployment.entity.js';
import { CreateDeployments1732300000000 } from './migrations/1732300000000-create-deployments.js';
import { DeploymentDeactivation1732400000000 } from './migrations/1732400000000-deployment-deactivation.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';
import { DeploymentApprovals1796100000000 } from './migrations/1796100000000-deployment-approvals.js';
import { DeploymentLifecycle1797000000000 } from './migrations/1797000000000-deployment-lifecycle.js';
import { DeploymentsInProgress1797100000000 } from './migrations/1797100000000-deployments-in-progress.js';

export const DEPLOYMENT_SCHEMA = 'deployment';

export function deploymentDataSource(url: string, schema = DEPLOYMENT_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [DeploymentEntity], migrations: [CreateDeployments1732300000000, DeploymentDeactivation1732400000000, TenantIsolation1796000000000, DeploymentApprovals1796100000000, DeploymentLifecycle1797000000000, DeploymentsInProgress1797100000000], ...(poolSize ? { poolSize } : {}) };
}
