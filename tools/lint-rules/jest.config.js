import { unitProject } from '../../jest.preset.js';

// The lint rules' RuleTester specs belong to the unit tier (no services).
export default { projects: [unitProject(import.meta.dirname, { testMatch: ['<rootDir>/src/**/*.spec.mjs'] })] };
