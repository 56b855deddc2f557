import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import neo4j, { isRetryableError, routing, type Driver } from 'neo4j-driver';
import { AppError, ErrorCode } from '@af/errors';
import type { TenantId } from '@af/contracts';
import type { Neo4jOptions } from './neo4j.config.js';
import { NEO4J_DRIVER, NEO4J_OPTIONS, NEO4J_TIMEOUTS } from './neo4j.module.js';

export interface RunNode {
  runId: string;
  agent: string;
  version: number;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  occurredAt: Date;
}

/** Constraints of the memory graph: created at boot, idempotent, safe from every instance. */
const CONSTRAINTS = [
  'CREATE CONSTRAINT af_agent_tenant_name IF NOT EXISTS FOR (a:Agent) REQUIRE (a.tenant, a.name) IS UNIQUE',
  'CREATE CONSTRAINT af_run_tenant_id IF NOT EXISTS FOR (r:Run) REQUIRE (r.tenant, r.id) IS UNIQUE',
];

/**
 * The graph tier of memory: `(:Agent {tenant, name})-[:RAN]->(:Run {tenant, id})`. Every node
 * carries the tenant and every query is scoped by it. Writes are MERGE + ON CREATE SET, so a
 * redelivered or conflicting final event leaves the graph as the first one made it.
 */
@Injectable()
export class RunGraphRepository implements OnModuleInit {
  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    @Inject(NEO4J_OPTIONS) private readonly options: Neo4jOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const statement of CONSTRAINTS) {
      try {
        await this.driver.executeQuery(statement, {}, { database: this.options.database });
      } catch (error) {
        // Two instances booting at once: the loser sees the constraint the winner just created.
        if (!/already exists|EquivalentSchemaRule/i.test((error as Error).message)) throw error;
      }
    }
  }

  async recordRun(tenantId: TenantId, run: RunNode): Promise<void> {
    await this.recordRuns([{ tenantId, run }]);
  }

  /**
   * Records the runs in one round trip (`UNWIND $rows`, one transaction). First final event wins,
   * as for the episode: MERGE + ON CREATE SET, so a later, conflicting or redelivered one (in the
   * same batch too: rows are applied in order) leaves the node as it is. An event without agent
   * (older producers) still records the run, just not the edge.
   */
  async recordRuns(runs: readonly { tenantId: TenantId; run: RunNode }[]): Promise<void> {
    if (runs.length === 0) return;
    const rows = runs.map(({ tenantId, run }) => ({ tenant: tenantId, runId: run.runId, agent: run.agent, version: neo4j.int(run.version), outcome: run.outcome, occurredAt: run.occurredAt.toISOString() }));
    await this.driver
      .executeQuery(
        `UNWIND $rows AS row
         MERGE (r:Run {tenant: row.tenant, id: row.runId})
           ON CREATE SET r.status = row.outcome, r.version = row.version, r.agent = row.agent, r.occurredAt = datetime(row.occurredAt)
         WITH r, row WHERE row.agent <> ''
         MERGE (a:Agent {tenant: row.tenant, name: row.agent})
         MERGE (a)-[:RAN]->(r)`,
        { rows },
        { database: this.options.database, routing: routing.WRITE, transactionConfig: { timeout: NEO4J_TIMEOUTS.transactionMs } },
      )
      .catch(unavailable);
  }

  async findRun(tenantId: TenantId, runId: string): Promise<(RunNode & { ranBy: string[] }) | null> {
    const result = await this.driver.executeQuery(
      `MATCH (r:Run {tenant: $tenant, id: $runId}) OPTIONAL MATCH (a:Agent {tenant: $tenant})-[:RAN]->(r)
       RETURN r.id AS runId, r.agent AS agent, r.version AS version, r.status AS outcome, toString(r.occurredAt) AS occurredAt, collect(a.name) AS ranBy`,
      { tenant: tenantId, runId },
      { database: this.options.database, routing: routing.READ, transactionConfig: { timeout: NEO4J_TIMEOUTS.transactionMs } },
    ).catch(unavailable);
    const record = result.records[0];
    if (!record) return null;
    return {
      runId: record.get('runId') as string,
      agent: record.get('agent') as string,
      version: record.get('version') as number,
      outcome: record.get('outcome') as RunNode['outcome'],
      occurredAt: new Date(record.get('occurredAt') as string),
      ranBy: record.get('ranBy') as string[],
    };
  }

  /** Removes a tenant's whole graph (tests; later the forget-subject flow). */
  async deleteTenant(tenantId: TenantId): Promise<void> {
    await this.driver.executeQuery('MATCH (n:Agent|Run {tenant: $tenant}) DETACH DELETE n', { tenant: tenantId }, { database: this.options.database, routing: routing.WRITE });
  }
}

/**
 * Neo4j unreachable, a lost session, a transient error or a transaction past its timeout:
 * UNAVAILABLE (the graph consumer naks with a delay and retries); anything else is kept.
 */
function unavailable(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  const transient = isRetryableError(error) || code === 'ServiceUnavailable' || code === 'SessionExpired' || /timed? ?out|acquisition|connect/i.test((error as Error)?.message ?? '');
  if (transient) throw new AppError(ErrorCode.Unavailable, `Neo4j is unavailable (${(error as Error).message})`, { cause: error });
  throw error;
}
