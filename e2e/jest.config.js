import { jestConfig } from '../jest.preset.js';

export default jestConfig(import.meta.dirname, { testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'], testTimeout: 120_000 });
