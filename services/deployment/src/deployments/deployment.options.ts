import type { DeploymentConfig } from '../config.js';

export const DEPLOYMENT_OPTIONS = Symbol.for('af.deployment.options');

export type DeploymentOptions = DeploymentConfig['lifecycle'];
