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
  'libs/persistence': ['config', 'observability'],
  'libs/testing': [],
  'services/gateway': ['errors', 'config', 'contracts', 'observability', 'messaging'],
  'services/blueprints': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence'],
  'services/validation': ['errors', 'config', 'contracts', 'observability', 'messaging'],
  'services/compilation': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence'],
  'services/deployment': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence'],
  'services/orchestrator': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence'],
  'services/worker': ['errors', 'config', 'contracts', 'observability', 'messaging'],
  'services/health': ['errors', 'config', 'contracts', 'observability', 'messaging'],
  'services/memory': ['errors', 'config', 'contracts', 'observability', 'messaging', 'persistence'],
  e2e: ['contracts', 'testing'],
};

const json = (value) => JSON.stringify(value, null, 2) + '\n';
const write = (dir, file, content) => writeFileSync(join(root, dir, file), content);

for (const [dir, deps] of Object.entries(projects)) {
  const depth = dir.split('/').length;
  const up = '../'.repeat(depth);
  const isLib = dir.startsWith('libs/');
  const isE2e = dir === 'e2e';
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
      include: testGlobs,
      references: [...(isE2e ? [] : [{ path: `./${main}` }]), ...refs],
    }),
  );
  write(
    dir,
    'jest.config.js',
    `import { jestConfig } from '${up}jest.preset.js';\n\nexport default jestConfig(import.meta.dirname${isE2e ? ", { testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'], testTimeout: 120_000 }" : ''});\n`,
  );
}
console.log(`synced ${Object.keys(projects).length} projects`);
