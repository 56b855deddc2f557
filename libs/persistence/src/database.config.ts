import { env } from '@af/config';

export const databaseConfigSpec = {
  url: env.url('DATABASE_URL', { protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/postgres', description: 'PostgreSQL' }),
  poolSize: env.int('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 100 }),
};
