import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rule from './io-clients-in-repositories.mjs';

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' } });
const root = '/repo';
const at = (filename, code, options = {}) => ({ filename: `${root}/${filename}`, code, options: [{ root, ...options }] });

tester.run('io-clients-in-repositories', rule, {
  valid: [
    at('services/orchestrator/src/runs/run.repository.ts', "import { Repository } from 'typeorm';"),
    at('services/health/src/mesh/heartbeat.repository.ts', "import type { Redis } from 'ioredis';"),
    at('services/orchestrator/src/persistence/run.entity.ts', "import { Entity, Column } from 'typeorm';"),
    at('services/memory/src/persistence/migrations/1-create.ts', "import type { MigrationInterface } from 'typeorm';"),
    at('libs/persistence/src/redis.ts', "import { Redis } from 'ioredis';"),
    at('services/blueprints/src/blueprints/blueprint.service.int-spec.ts', "import { DataSource } from 'typeorm';"),
    at('services/compilation/src/test/harness.ts', "import { DataSource } from 'typeorm';"),
    at('services/orchestrator/src/runs/run.service.ts', "import { Injectable } from '@nestjs/common';\nimport { typeormish } from './typeorm.js';"),
    at('libs/messaging/src/provision.ts', "import { Kvm } from '@nats-io/kv';", { allow: [{ files: 'libs/messaging/**', modules: ['@nats-io/kv'] }] }),
    at('services/memory/src/graph/neo4j.module.ts', "import neo4j from 'neo4j-driver';", { allow: [{ files: 'services/memory/src/graph/neo4j.module.ts' }] }),
  ],
  invalid: [
    at('services/orchestrator/src/runs/run.service.ts', "import { Repository } from 'typeorm';"),
    at('services/orchestrator/src/runs/run.service.ts', "import type { DataSource } from 'typeorm';"),
    at('services/blueprints/src/blueprints/blueprint.handler.ts', "import { InjectRepository } from '@nestjs/typeorm';"),
    at('services/health/src/mesh/mesh-status.service.ts', "import { Redis } from 'ioredis';"),
    at('services/memory/src/graph/graph.service.ts', "import neo4j from 'neo4j-driver';"),
    at('services/deployment/src/deployments/deployment.service.ts', "import { Kvm } from '@nats-io/kv';"),
    at('services/deployment/src/deployments/deployment.service.ts', "const pg = await import('pg');"),
    at('services/gateway/src/agents/agents.controller.ts', "export { DataSource } from 'typeorm';"),
    at('services/gateway/src/agents/agents.controller.ts', "export * from 'typeorm/browser';"),
    at('services/blueprints/src/documents/normalize.spec.ts', "import { Redis } from 'ioredis';"),
    // an allowance for one module does not open the others
    at('libs/messaging/src/provision.ts', "import { DataSource } from 'typeorm';", { allow: [{ files: 'libs/messaging/**', modules: ['@nats-io/kv'] }] }),
  ].map((c) => ({ ...c, errors: [{ messageId: 'ioClient' }] })),
});
