import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { runtimeAccess } from '@af/persistence';
import type { RunningService } from '@af/runtime';
import { connectTestClient, startTestService } from '@af/runtime/testing';
import { dropSchema, uniqueName } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadAuditConfig } from '../config.js';
import { auditDataSource } from '../persistence/data-source.js';

export interface AuditUnderTest {
  service: RunningService;
  schema: string;
  /** The owner's URL (a superuser here): what an intruder with database access would use. */
  ownerUrl: string;
  /** The URL of the service's runtime role (af_<schema>). */
  runtimeUrl: string;
  stop(): Promise<void>;
}

/** Boots the real audit service (free port, real NATS and PostgreSQL) on its own schema, or on `schema` for a second instance. */
export async function startAudit(env: Record<string, string> = {}, shared?: { schema: string }): Promise<AuditUnderTest> {
  const config = loadAuditConfig({ ...process.env, ...env });
  const schema = shared?.schema ?? uniqueName('audit_test');
  const { service } = await startTestService({ service: 'audit', ...config, module: (runtime) => AppModule.forRoot(config, runtime, schema) });
  return {
    service,
    schema,
    ownerUrl: config.database.url,
    runtimeUrl: runtimeAccess(auditDataSource(config.database.url, schema)).url,
    async stop() {
      await service.close();
      if (!shared) await dropSchema(config.database.url, schema);
    },
  };
}

/** A client of the mesh as another service would be, with a JetStream manager to read streams. */
export async function connectClient() {
  const client = await connectTestClient();
  return { ...client, jsm: await jetstreamManager(client.nc) };
}

/** Runs SQL on the audit schema as the given URL's role (no row-level security scope unless the SQL sets one). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, schema: string, text: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await client.query<T>(text, params);
  } finally {
    await client.end();
  }
}
