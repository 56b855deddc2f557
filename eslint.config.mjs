import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  {
    ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '**/*.tsbuildinfo', 'libs/contracts/src/gen/**', 'tools/**', '.state/**', '**/jest.config.js', 'jest.preset.js'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
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
          ],
        },
      ],
    },
  },
];
