import { tieredJestConfig } from '../../jest.preset.js';

export default tieredJestConfig(import.meta.dirname, {"services":[]});
