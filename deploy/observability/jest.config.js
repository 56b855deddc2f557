import { unitProject } from '../../jest.preset.js';

// The dashboards' and alert rules' checker specs belong to the unit tier (no services, no Prometheus).
export default { projects: [unitProject(import.meta.dirname, { testMatch: ['<rootDir>/test/**/*.spec.mjs'] })] };
