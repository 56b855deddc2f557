import { jestConfig } from '../../jest.preset.js';

export default jestConfig(import.meta.dirname, {"globalSetup":"<rootDir>/../../libs/testing/dist/global-setup.js","globalTeardown":"<rootDir>/../../libs/testing/dist/global-teardown.js","globals":{"afServices":["postgres","redis","nats"]}});
