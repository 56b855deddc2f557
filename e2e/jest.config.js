import { jestConfig } from '../jest.preset.js';

export default jestConfig(import.meta.dirname, {"testMatch":["<rootDir>/src/**/*.e2e-spec.ts"],"testTimeout":180000,"globalSetup":"<rootDir>/src/mesh.global-setup.ts","globalTeardown":"<rootDir>/src/mesh.global-teardown.ts"});
