import { jestConfig } from '../jest.preset.js';

export default jestConfig(import.meta.dirname, {"testMatch":["<rootDir>/src/**/*.chaos-spec.ts"],"testTimeout":600000,"maxWorkers":1});
