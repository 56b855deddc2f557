import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import af from './tools/lint-rules/src/index.mjs';

export default [
  {
    ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '**/*.tsbuildinfo', 'libs/contracts/src/gen/**', 'tools/neo4j/**', '.state/**', '**/jest.config.js', 'jest.preset.js'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/services/**', '../../services/*', '../../../services/*', '@af/*-service', '@af/e2e'], message: 'Services talk only through proto/ messages on NATS subjects: never import another service.' },
            { group: ['**/libs/*/src/**', '../../libs/*'], message: 'Import a lib by its package name (@af/<lib>), never by a relative path.' },
            { group: ['node:vm', 'vm', 'vm2'], message: 'node:vm and vm2 are not sandboxes; use isolated-vm.' },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contracts'] },
            // The af CLI and the web console use the public HTTP API only, through its typed client.
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['scope:public-api'] },
          ],
        },
      ],
    },
  },
  // Architecture rules of our own (tools/lint-rules, each with a RuleTester spec).
  {
    files: ['**/*.ts'],
    plugins: { af },
    rules: {
      // Database and broker clients only in repositories, entities, persistence code, migrations and
      // tests; the libs whose job it is; and the one module that creates the Neo4j driver.
      'af/io-clients-in-repositories': [
        'error',
        {
          root: import.meta.dirname,
          allow: [
            { files: 'libs/persistence/**', reason: 'the PostgreSQL and Redis clients and their Nest modules' },
            { files: 'libs/messaging/**', modules: ['@nats-io/kv'], reason: 'provisions and exposes the KV buckets' },
            { files: 'libs/testing/**', reason: 'test support: cleans schemas and keys' },
            { files: 'services/memory/src/graph/neo4j.module.ts', modules: ['neo4j-driver'], reason: 'creates the driver the graph repository uses' },
          ],
        },
      ],
    },
  },
  {
    files: ['services/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/messaging/src/handlers.ts'],
    plugins: { af },
    rules: { 'af/typed-message-handlers': 'error' },
  },
  {
    files: ['services/gateway/**/*.ts'],
    plugins: { af },
    rules: { 'af/no-per-controller-auth-guard': 'error' },
  },
  {
    files: ['tools/lint-rules/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly' } },
  },
];
