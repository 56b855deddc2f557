#!/usr/bin/env node
// Writes each project's tsconfig.json / tsconfig.lib|app.json / tsconfig.spec.json / jest.config.js
// from one table of project → workspace dependencies, so TypeScript project references stay in step.
// Run: node scripts/sync-project-configs.mjs   (CI checks that it leaves no diff)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** project dir → workspace libs it depends on */
const projects = {
  'libs/errors': [],
  'libs/config': [],
  'libs/contracts': [],
  'libs/observability': ['errors'],
  'libs/messaging': ['errors', 'config', 'contracts', 'observability'],
  'libs/persistence': ['config', 'observability', 'errors'],
  'libs/testing': ['blueprint-format'],
  'libs/blueprint-format': ['errors', 'contracts'],
  'libs/runtime': ['errors', 'config', 'contracts', 'observability', 'messaging'],
  'libs/api-client': [],
  'services/gateway': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/blueprints': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/validation': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/compilation': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/deployment': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/orchestrator': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/worker': ['errors', 'config', 'contracts', 'observability', 'messaging', 'runtime', 'blueprint-format'],
  'services/health': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime'],
  'services/memory': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/pool-manager': ['errors', 'config', 'contracts', 'observability', 'messaging', 'runtime'],
  'services/audit': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/governance': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/metering': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/secrets': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/webhooks': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  'services/triggers': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence', 'runtime', 'blueprint-format'],
  // The af CLI (clients/console has its own Vite/DOM tsconfig: not generated here).
  'clients/cli': ['api-client'],
  'tools/manifest-checks': ['contracts'],
  'tools/terraform-checks': ['contracts'],
  e2e: ['contracts', 'testing'],
  chaos: ['contracts', 'testing'],
};

const json = (value) => JSON.stringify(value, null, 2) + '\n';
const write = (dir, file, content) => writeFileSync(join(root, dir, file), content);

/** Real services each project's integration tests need (located once per run by globalSetup). */
const realServices = {
  'libs/messaging': ['nats'],
  'libs/persistence': ['postgres', 'redis'],
  'libs/observability': [],
  'libs/runtime': ['nats'],
  'libs/testing': ['postgres', 'redis', 'nats', 'neo4j'],
  'services/gateway': ['postgres', 'redis', 'nats'],
  'services/blueprints': ['postgres', 'redis', 'nats'],
  'services/validation': ['redis', 'nats'],
  'services/compilation': ['postgres', 'redis', 'nats'],
  'services/deployment': ['postgres', 'nats'],
  'services/orchestrator': ['postgres', 'nats'],
  'services/worker': ['postgres', 'redis', 'nats', 'neo4j'],
  'services/health': ['redis', 'nats'],
  'services/memory': ['postgres', 'redis', 'nats', 'neo4j'],
  'services/pool-manager': ['postgres', 'redis', 'nats'],
  'services/audit': ['postgres', 'nats'],
  'services/governance': ['postgres', 'nats'],
  'services/metering': ['postgres', 'nats'],
  'services/secrets': ['postgres', 'nats'],
  'services/webhooks': ['postgres', 'nats'],
  'services/triggers': ['postgres', 'nats'],
};

/**
 * Each package's jest.config.js: the unit tier (*.spec.ts, no services) and the integration tier
 * (*.int-spec.ts, the real services it lists) as two Jest projects (see jest.preset.js); e2e has
 * its own single config against the running mesh.
 */
function jestConfigFile(dir, up) {
  if (dir === 'e2e') {
    const e2e = { testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'], testTimeout: 180_000, globalSetup: '<rootDir>/src/mesh.global-setup.ts', globalTeardown: '<rootDir>/src/mesh.global-teardown.ts' };
    return `import { jestConfig } from '${up}jest.preset.js';\n\nexport default jestConfig(import.meta.dirname, ${JSON.stringify(e2e)});\n`;
  }
  if (dir === 'chaos') {
    // Faults against a mesh of its own (own NATS, PostgreSQL, Redis, Neo4j): one file at a time.
    const chaos = { testMatch: ['<rootDir>/src/**/*.chaos-spec.ts'], testTimeout: 600_000, maxWorkers: 1 };
    return `import { jestConfig } from '${up}jest.preset.js';\n\nexport default jestConfig(import.meta.dirname, ${JSON.stringify(chaos)});\n`;
  }
  return `import { tieredJestConfig } from '${up}jest.preset.js';\n\nexport default tieredJestConfig(import.meta.dirname, ${JSON.stringify({ services: realServices[dir] ?? [] })});\n`;
}

for (const [dir, deps] of Object.entries(projects)) {
  const depth = dir.split('/').length;
  const up = '../'.repeat(depth);
  const isLib = dir.startsWith('libs/');
  const isE2e = dir === 'e2e' || dir === 'chaos';
  const main = isLib ? 'tsconfig.lib.json' : 'tsconfig.app.json';
  const refs = deps.map((d) => ({ path: `${up}libs/${d}/tsconfig.lib.json` }));
  const testGlobs = ['src/**/*.spec.ts', 'src/**/*.int-spec.ts', 'src/**/*.e2e-spec.ts', 'src/**/test/**/*.ts'];

  if (isE2e) {
    write(dir, 'tsconfig.json', json({ files: [], references: [{ path: './tsconfig.spec.json' }] }));
  } else {
    write(dir, 'tsconfig.json', json({ files: [], references: [{ path: `./${main}` }, { path: './tsconfig.spec.json' }] }));
    write(
      dir,
      main,
      json({
        extends: `${up}tsconfig.base.json`,
        compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: `dist/${main.replace('.json', '.tsbuildinfo')}` },
        include: ['src/**/*.ts'],
        exclude: testGlobs,
        references: refs,
      }),
    );
  }
  write(
    dir,
    'tsconfig.spec.json',
    json({
      extends: `${up}tsconfig.base.json`,
      compilerOptions: {
        rootDir: 'src',
        outDir: 'out-tsc/spec',
        tsBuildInfoFile: 'out-tsc/spec/tsconfig.spec.tsbuildinfo',
        emitDeclarationOnly: true,
      },
      include: isE2e ? ['src/**/*.ts'] : testGlobs,
      references: [...(isE2e ? [] : [{ path: `./${main}` }]), ...refs],
    }),
  );
  write(dir, 'jest.config.js', jestConfigFile(dir, up));
}
console.log(`synced ${Object.keys(projects).length} projects`);
