// Shared Jest settings: ESM mode with SWC, workspace libs resolved to their sources, and the test
// tiers kept apart. Every package's jest.config.js (written by scripts/sync-project-configs.mjs)
// is a multi-project config:
//   unit         *.spec.ts       no global setup, no services — `npm run test:unit` runs every
//                                package's unit project at once with the service URLs on closed ports
//   integration  *.int-spec.ts   the real PostgreSQL/Redis/NATS/Neo4j, located once by globalSetup
// e2e (*.e2e-spec.ts) has its own single config. `jest --selectProjects unit|integration` runs one tier.
import { globSync } from 'node:fs';
import { dirname, join } from 'node:path';

const workspace = import.meta.dirname;

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2023',
    keepClassNames: true,
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const libs = 'api-client|blueprint-format|config|contracts|errors|messaging|observability|persistence|runtime|testing';

/** @param {string} rootDir @param {Partial<import('jest').Config>} [overrides] */
export function jestConfig(rootDir, overrides = {}) {
  return {
    rootDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: { '^.+\\.ts$': ['@swc/jest', swc] },
    moduleNameMapper: {
      [`^@af/(${libs})$`]: `${workspace}/libs/$1/src/index.ts`,
      // test-only entry points (package.json exports["./testing"]), never part of a lib's index
      [`^@af/(${libs})/testing$`]: `${workspace}/libs/$1/src/testing.ts`,
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
    testTimeout: 30_000,
    ...overrides,
  };
}

/** The unit tier of a package: `*.spec.ts`, no global setup, no services. */
export function unitProject(rootDir, overrides = {}) {
  return jestConfig(rootDir, { displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'], ...overrides });
}

/**
 * The integration tier of a package: `*.int-spec.ts` against the real services it lists (located
 * once per run, failing with the name of a missing one; Jest runs a project's globalSetup only when
 * at least one of its tests runs).
 * @param {string} rootDir @param {string[]} services
 */
export function integrationProject(rootDir, services, overrides = {}) {
  const testing = join(workspace, 'libs/testing/dist'); // built: Jest loads globalSetup outside moduleNameMapper
  return jestConfig(rootDir, {
    displayName: 'integration',
    testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
    globalSetup: `${testing}/global-setup.js`,
    globalTeardown: `${testing}/global-teardown.js`,
    globals: { afServices: services },
    ...overrides,
  });
}

/** A package's config: both tiers as Jest projects (`--selectProjects unit` / `integration`). */
export function tieredJestConfig(rootDir, { services = [] } = {}) {
  // testTimeout is a global option: inside `projects` Jest ignores it (hooks then had 5 s — a
  // gateway's close under CI load overran it and failed role-table.int-spec's afterAll).
  return { testTimeout: 30_000, projects: [unitProject(rootDir), integrationProject(rootDir, services)] };
}

/**
 * Every package's unit project in one run (root `jest.unit.config.js`, `npm run test:unit`):
 * found from the packages' own jest.config.js, so a new package joins by being synced.
 */
export async function allUnitProjects() {
  const configs = globSync(['libs/*/jest.config.js', 'clients/*/jest.config.js', 'services/*/jest.config.js', 'tools/*/jest.config.js', 'deploy/*/jest.config.js'], { cwd: workspace }).sort();
  const projects = [];
  for (const file of configs) {
    const config = (await import(join(workspace, file))).default;
    for (const project of config.projects ?? []) {
      if (project.displayName === 'unit') projects.push({ ...project, displayName: `unit ${dirname(file)}` });
    }
  }
  return projects;
}
