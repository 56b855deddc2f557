export { databaseConfigSpec } from './database.config.js';
export { DEFAULT_DATABASE_LIMITS, dataSourceOptions, migrate, openDataSource, type DatabaseLimits, type ServiceDataSourceOptions } from './data-source.js';
export { PersistenceModule, PostgresReadinessProbe, DATA_SOURCE } from './persistence.module.js';
export { RedisModule, RedisReadinessProbe, REDIS, redisConfigSpec, openRedis, translateRedisError, DEFAULT_REDIS_COMMAND_TIMEOUT_MS, type RedisClientOptions } from './redis.js';
export { translateDatabaseError } from './database-errors.js';
