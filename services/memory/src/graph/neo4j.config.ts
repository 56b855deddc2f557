import { env } from '@af/config';

export const neo4jConfigSpec = {
  url: env.url('NEO4J_URL', { protocols: ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc'], default: 'bolt://127.0.0.1:7687', description: 'Neo4j (semantic memory graph)' }),
  /** Empty user = no authentication (the embedded development server). */
  user: env.string('NEO4J_USER', { default: '' }),
  password: env.secret('NEO4J_PASSWORD', { default: '' }),
  database: env.string('NEO4J_DATABASE', { default: 'neo4j', pattern: /^[a-z][a-z0-9.-]{2,62}$/ }),
};

export interface Neo4jOptions {
  url: string;
  user: string;
  password: string;
  database: string;
}
