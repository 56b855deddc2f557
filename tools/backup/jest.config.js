import { tieredJestConfig } from '../../jest.preset.js';

// unit: options and Neo4j value encoding; integration: a backup → restore round trip on the real
// PostgreSQL, NATS and Neo4j (the scripts run as the operator runs them).
export default tieredJestConfig(import.meta.dirname, { services: ['postgres', 'nats', 'neo4j'] });
