export { databaseConfigSpec } from './database.config.js';
export { dataSourceOptions, migrate, openDataSource, type ServiceDataSourceOptions } from './data-source.js';
export { PersistenceModule, PostgresReadinessProbe, DATA_SOURCE } from './persistence.module.js';
export { RedisModule, RedisReadinessProbe, REDIS, redisConfigSpec, openRedis } from './redis.js';
