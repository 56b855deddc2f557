// @ts-check
import { matchesGlob, relative, sep } from 'node:path';

/** Database and broker clients: only repositories and persistence code may import them. */
export const IO_CLIENT_MODULES = ['typeorm', '@nestjs/typeorm', 'pg', 'ioredis', 'neo4j-driver', '@nats-io/kv'];

/**
 * Where they may be imported, by default: repositories (the only I/O of a service), entities,
 * persistence code and migrations, and tests that inspect the real services.
 */
export const DEFAULT_ALLOWED_FILES = [
  '**/*.repository.ts',
  '**/*.entity.ts',
  '**/persistence/**',
  '**/migrations/**',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  '**/test/**',
];

/** @param {string} source @param {readonly string[]} modules */
const clientOf = (source, modules) => modules.find((m) => source === m || source.startsWith(`${m}/`));

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Database and broker clients (TypeORM, pg, ioredis, neo4j-driver, NATS KV) are imported only by repositories and persistence code.' },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          root: { type: 'string', description: 'the directory globs are relative to (the workspace root); default: cwd' },
          modules: { type: 'array', items: { type: 'string' } },
          allow: {
            type: 'array',
            description: 'more places allowed: every client, or only the modules listed',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['files'],
              properties: { files: { type: 'string' }, modules: { type: 'array', items: { type: 'string' } }, reason: { type: 'string' } },
            },
          },
        },
      },
    ],
    messages: {
      ioClient:
        "'{{source}}' is a database/broker client: only repositories (*.repository.ts) and persistence code may import it. Move this I/O into a repository and call that.",
    },
  },
  create(context) {
    /** @type {{ root?: string, modules?: string[], allow?: { files: string, modules?: string[] }[] }} */
    const options = context.options[0] ?? {};
    const modules = options.modules ?? IO_CLIENT_MODULES;
    const file = relative(options.root ?? context.cwd, context.filename).split(sep).join('/');
    const allowed = [...DEFAULT_ALLOWED_FILES.map((files) => ({ files, modules: undefined })), ...(options.allow ?? [])];

    /** @param {import('estree').Node | null | undefined} node */
    const check = (node) => {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const client = clientOf(node.value, modules);
      if (!client) return;
      if (allowed.some((a) => matchesGlob(file, a.files) && (!a.modules || a.modules.includes(client)))) return;
      context.report({ node, messageId: 'ioClient', data: { source: node.value } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
