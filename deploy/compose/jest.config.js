import { unitProject } from '../../jest.preset.js';

// scripts/check-compose.sh against the repository's docker-compose.yml and broken copies of it (unit tier: no services; needs docker-compose).
export default { projects: [unitProject(import.meta.dirname, { testMatch: ['<rootDir>/test/**/*.spec.mjs'] })] };
