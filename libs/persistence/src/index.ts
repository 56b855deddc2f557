export { databaseConfigSpec } from './database.config.js';
export { DEFAULT_DATABASE_LIMITS, dataSourceOptions, migrate, openDataSource, runtimeAccess, type DatabaseAccess, type DatabaseLimits, type ServiceDataSourceOptions } from './data-source.js';
export { withTenant, withSystemScope, enableTenantIsolation, disableTenantIsolation, TENANT_SETTING, SYSTEM_SETTING } from './tenant-scope.js';
export { serviceRoleName, ensureServiceRole, dropServiceRole, assertUnprivilegedRole, DEFAULT_TABLE_PRIVILEGES, type TablePrivilege, type ServiceRoleOptions } from './roles.js';
export { PersistenceModule, PostgresReadinessProbe, DATA_SOURCE } from './persistence.module.js';
export { RedisModule, RedisReadinessProbe, REDIS, redisConfigSpec, openRedis, translateRedisError, DEFAULT_REDIS_COMMAND_TIMEOUT_MS, type RedisClientOptions } from './redis.js';
export { translateDatabaseError } from './database-errors.js';
