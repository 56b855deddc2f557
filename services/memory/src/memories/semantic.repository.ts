import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import neo4j, { isRetryableError, routing, type Driver } from 'neo4j-driver';
import { AppError, ErrorCode } from '@af/errors';
import type { TenantId } from '@af/contracts';
import type { Neo4jOptions } from '../graph/neo4j.config.js';
import { NEO4J_DRIVER, NEO4J_OPTIONS, NEO4J_TIMEOUTS } from '../graph/neo4j.module.js';
import { EMBEDDER, type Embedder } from './embedder.js';
import type { ExtractedEntity } from './entity-extractor.js';

export const VECTOR_INDEX = 'memory_embedding';
/** The most index candidates one semantic search examines (filtered by tenant and visibility after). */
const MAX_CANDIDATES = 50_000;
/**
 * Graph neighbours returned per hit: the first found, and the subquery stops there, so a hit that
 * mentions a hot entity (RELATED to thousands) costs no more than one that does not.
 */
const MAX_NEIGHBOURS = 50;

export interface SemanticMemory {
  id: string;
  agent: string;
  team: string;
  subjectId: string;
  source: string;
  content: string;
  createdAt: string;
  embedding: number[];
  entities: ExtractedEntity[];
}

export interface SemanticHit {
  id: string;
  agent: string;
  team: string;
  subjectId: string;
  source: string;
  content: string;
  createdAt: string;
  score: number;
  entities: string[];
  neighbours: string[];
}

export interface GraphNodeRow {
  name: string;
  kind: string;
  mentions: number;
}

export interface GraphView {
  entity: GraphNodeRow | null;
  nodes: GraphNodeRow[];
  edges: { from: string; to: string; relation: string; weight: number }[];
}

/** Schema of the semantic tier (the Neo4j "migrations"): idempotent, run at boot by every instance. */
function schemaStatements(dimensions: number): string[] {
  return [
    'CREATE CONSTRAINT af_entity_tenant_name IF NOT EXISTS FOR (e:Entity) REQUIRE (e.tenant, e.name) IS UNIQUE',
    'CREATE CONSTRAINT af_memory_id IF NOT EXISTS FOR (m:Memory) REQUIRE m.id IS UNIQUE',
    'CREATE INDEX af_memory_tenant_subject IF NOT EXISTS FOR (m:Memory) ON (m.tenant, m.subjectId)',
    `CREATE VECTOR INDEX ${VECTOR_INDEX} IF NOT EXISTS FOR (m:Memory) ON (m.embedding) OPTIONS {indexConfig: {\`vector.dimensions\`: ${dimensions}, \`vector.similarity_function\`: 'cosine'}}`,
  ];
}

/** Visibility in Cypher: `$agent`/`$team` '' = no filter. */
const VISIBLE = `m.tenant = $tenant AND ($agent = '' OR m.agent = $agent) AND ($team = '' OR m.team = $team)`;

/**
 * The semantic tier: `(:Memory {id, tenant, agent, team, subjectId, content, embedding})
 * -[:MENTIONS]->(:Entity {tenant, name, kind})`, entities mentioned together linked by
 * `-[:RELATED {weight}]->` from the lesser name to the greater (weight = how many memories mention
 * both, kept incrementally: +1 by the store that creates a memory, −1 by its forget, so a replay
 * changes nothing and a forget keeps it exact). Embeddings live in the `memory_embedding` vector index (cosine).
 */
@Injectable()
export class SemanticRepository implements OnModuleInit {
  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    @Inject(NEO4J_OPTIONS) private readonly options: Neo4jOptions,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const statement of schemaStatements(this.embedder.dimensions)) {
      try {
        await this.driver.executeQuery(statement, {}, { database: this.options.database });
      } catch (error) {
        if (!/already exists|EquivalentSchemaRule/i.test((error as Error).message)) throw error;
      }
    }
    // A fresh vector index populates in the background: wait (bounded) so the first search sees it.
    await this.driver.executeQuery('CALL db.awaitIndexes(30)', {}, { database: this.options.database }).catch(() => undefined);
  }

  /**
   * Writes a memory in ONE bounded round trip: the memory node with its embedding, its entities
   * (MERGE), MENTIONS, and +1 on the RELATED weight of every pair of co-mentioned entities
   * (incremental: no recount of the co-mentions, which grew with every store of a hot entity).
   * Idempotent: only the transaction that creates the memory node adds mentions and weights, so a
   * replay (the caller's retry with the same idempotency key, or {@link retrying} here) changes
   * nothing. Entities and pairs go in one deterministic order (names by code unit), so concurrent
   * stores take the entity locks in the same order; a transient failure (deadlock, terminated,
   * the EntityNotFound race) is retried a bounded number of times.
   */
  async write(tenantId: TenantId, memory: SemanticMemory): Promise<void> {
    const names = [...new Map(memory.entities.map((e) => [e.name, e])).values()].sort((a, b) => byCodeUnit(a.name, b.name));
    const pairs: [string, string][] = [];
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push([names[i]!.name, names[j]!.name]);
    await this.retrying(() =>
      this.query(
        `MERGE (m:Memory {id: $id})
         ON CREATE SET m.tenant = $tenant, m.agent = $agent, m.team = $team, m.subjectId = $subjectId, m.source = $source, m.content = $content, m.createdAt = $createdAt, m.writing = true
         WITH m, coalesce(m.writing, false) AS fresh
         REMOVE m.writing
         WITH m WHERE fresh
         CALL db.create.setNodeVectorProperty(m, 'embedding', $embedding)
         CALL (m) {
           UNWIND $entities AS entity
           MERGE (e:Entity {tenant: $tenant, name: entity.name}) ON CREATE SET e.kind = entity.kind
           CREATE (m)-[:MENTIONS]->(e)
         }
         CALL (m) {
           UNWIND $pairs AS pair
           MATCH (a:Entity {tenant: $tenant, name: pair[0]})
           MATCH (b:Entity {tenant: $tenant, name: pair[1]})
           MERGE (a)-[r:RELATED]->(b)
           ON CREATE SET r.weight = 1
           ON MATCH SET r.weight = r.weight + 1
         }
         RETURN m.id AS id`,
        {
          tenant: tenantId,
          id: memory.id,
          agent: memory.agent,
          team: memory.team,
          subjectId: memory.subjectId,
          source: memory.source,
          content: memory.content,
          createdAt: memory.createdAt,
          embedding: memory.embedding,
          entities: names,
          pairs,
        },
        'WRITE',
      ),
    );
  }

  /**
   * Vector similarity and graph neighbourhood in ONE round trip: the index's nearest candidates
   * (over-fetched, since the index is shared by tenants and filtered after), the visible ones,
   * best k, each with its entities and their RELATED neighbours.
   */
  async search(tenantId: TenantId, vector: number[], filter: { agent: string; team: string; subjectId: string; onlyAgent: string; k: number }): Promise<SemanticHit[]> {
    // Neo4j 5 filters after the index: when the visible hits fall short of k (other tenants or agents
    // crowd the nearest candidates), widen the candidate set ×8 up to MAX_CANDIDATES. Usually one query.
    let candidates = Math.max(filter.k * 10, 100);
    for (;;) {
      const hits = await this.searchOnce(tenantId, vector, filter, candidates);
      if (hits.length >= filter.k || candidates >= MAX_CANDIDATES) return hits;
      candidates = Math.min(candidates * 8, MAX_CANDIDATES);
    }
  }

  private async searchOnce(tenantId: TenantId, vector: number[], filter: { agent: string; team: string; subjectId: string; onlyAgent: string; k: number }, candidates: number): Promise<SemanticHit[]> {
    const result = await this.run(
      `CALL db.index.vector.queryNodes('${VECTOR_INDEX}', $candidates, $vector) YIELD node AS m, score
       WHERE ${VISIBLE} AND ($subjectId = '' OR m.subjectId = $subjectId) AND ($onlyAgent = '' OR m.agent = $onlyAgent)
       WITH m, score ORDER BY score DESC LIMIT $k
       RETURN m.id AS id, m.agent AS agent, m.team AS team, m.subjectId AS subjectId, m.source AS source, m.content AS content, m.createdAt AS createdAt, score,
              [(m)-[:MENTIONS]->(e:Entity) | e.name] AS entities,
              COLLECT { MATCH (m)-[:MENTIONS]->(:Entity)-[:RELATED]-(n:Entity) WHERE NOT (m)-[:MENTIONS]->(n) RETURN DISTINCT n.name LIMIT $neighbours } AS neighbours
       ORDER BY score DESC`,
      { tenant: tenantId, vector, candidates: neo4j.int(candidates), k: neo4j.int(filter.k), neighbours: neo4j.int(MAX_NEIGHBOURS), agent: filter.agent, team: filter.team, subjectId: filter.subjectId, onlyAgent: filter.onlyAgent },
      'READ',
    );
    return result.records.map((r) => ({
      id: r.get('id') as string,
      agent: r.get('agent') as string,
      team: r.get('team') as string,
      subjectId: r.get('subjectId') as string,
      source: r.get('source') as string,
      content: r.get('content') as string,
      createdAt: r.get('createdAt') as string,
      score: r.get('score') as number,
      entities: r.get('entities') as string[],
      neighbours: r.get('neighbours') as string[],
    }));
  }

  /** An entity and its neighbourhood up to `depth` RELATED hops, limited to entities the caller's visible memories mention. */
  async graph(tenantId: TenantId, entity: string, depth: number, filter: { agent: string; team: string }): Promise<GraphView> {
    const result = await this.run(
      `MATCH (root:Entity {tenant: $tenant, name: $entity})
       WHERE EXISTS { MATCH (m:Memory)-[:MENTIONS]->(root) WHERE ${VISIBLE} }
       OPTIONAL MATCH p = (root)-[:RELATED*1..${depth}]-(n:Entity)
       WHERE all(x IN nodes(p) WHERE EXISTS { MATCH (m:Memory)-[:MENTIONS]->(x) WHERE ${VISIBLE} })
       WITH root, collect(DISTINCT n)[0..200] AS ns, collect(p) AS paths
       WITH root, ns, [p IN paths | relationships(p)] AS rels
       UNWIND (CASE WHEN size(rels) = 0 THEN [null] ELSE reduce(acc = [], rs IN rels | acc + rs) END) AS r
       WITH root, ns, collect(DISTINCT r) AS edges
       RETURN root { .name, .kind, mentions: COUNT { (root)<-[:MENTIONS]-() } } AS root,
              [n IN ns | n { .name, .kind, mentions: COUNT { (n)<-[:MENTIONS]-() } }] AS nodes,
              [r IN edges WHERE startNode(r) IN ns + root AND endNode(r) IN ns + root | { from: startNode(r).name, to: endNode(r).name, relation: type(r), weight: r.weight }][0..500] AS edges`,
      { tenant: tenantId, entity, ...filter },
      'READ',
    );
    const record = result.records[0];
    if (!record) return { entity: null, nodes: [], edges: [] };
    return {
      entity: record.get('root') as GraphNodeRow,
      nodes: record.get('nodes') as GraphNodeRow[],
      edges: record.get('edges') as GraphView['edges'],
    };
  }

  /**
   * Forgets a subject: every RELATED weight its memory nodes contributed is taken back (−1 per
   * memory mentioning both ends; an edge no memory supports any more goes), the memory nodes go, and
   * entities nothing mentions any more go. Returns the number of nodes deleted.
   */
  async forgetSubject(tenantId: TenantId, subjectId: string): Promise<number> {
    const result = await this.retrying(() =>
      this.query(
        `MATCH (m:Memory {tenant: $tenant, subjectId: $subjectId})
         CALL (m) {
           MATCH (m)-[:MENTIONS]->(a:Entity)-[r:RELATED]-(b:Entity)<-[:MENTIONS]-(m)
           WHERE elementId(a) < elementId(b)
           SET r.weight = r.weight - 1
           WITH r WHERE r.weight <= 0
           DELETE r
         }
         OPTIONAL MATCH (m)-[:MENTIONS]->(e:Entity)
         WITH collect(DISTINCT m) AS ms, collect(DISTINCT e) AS es
         FOREACH (m IN ms | DETACH DELETE m)
         WITH ms, [e IN es WHERE NOT EXISTS { (e)<-[:MENTIONS]-() }] AS orphans
         FOREACH (e IN orphans | DETACH DELETE e)
         RETURN size(ms) + size(orphans) AS deleted`,
        { tenant: tenantId, subjectId },
        'WRITE',
      ),
    );
    return Number(result.records[0]?.get('deleted') ?? 0);
  }

  /** Memory nodes of the subject left (forget's read-back). */
  async countSubject(tenantId: TenantId, subjectId: string): Promise<number> {
    const result = await this.run('MATCH (m:Memory {tenant: $tenant, subjectId: $subjectId}) RETURN count(m) AS n', { tenant: tenantId, subjectId }, 'READ');
    return Number(result.records[0]?.get('n') ?? 0);
  }

  /** Everything of a tenant (tests). */
  async deleteTenant(tenantId: TenantId): Promise<void> {
    // In batches: one transaction over a large tenant (10 000 memories and their edges) exceeds Neo4j's transaction memory.
    for (;;) {
      const result = await this.run('MATCH (n:Memory|Entity {tenant: $tenant}) WITH n LIMIT 2000 DETACH DELETE n RETURN count(*) AS n', { tenant: tenantId }, 'WRITE');
      if (Number(result.records[0]?.get('n') ?? 0) === 0) return;
    }
  }

  /** Runs a write again (same parameters, so the same memory id) after a transient Neo4j failure, a bounded number of times. */
  private async retrying<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS || !transient(error)) return unavailable(error);
        // Jittered exponential backoff: the transactions that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, (10 << attempt) * (0.5 + Math.random())));
      }
    }
  }

  private run(query: string, params: Record<string, unknown>, mode: 'READ' | 'WRITE') {
    return this.query(query, params, mode).catch(unavailable);
  }

  private query(query: string, params: Record<string, unknown>, mode: 'READ' | 'WRITE') {
    return this.driver.executeQuery(query, params, { database: this.options.database, routing: mode === 'READ' ? routing.READ : routing.WRITE, transactionConfig: { timeout: NEO4J_TIMEOUTS.transactionMs } });
  }
}

/** Attempts of one semantic write (the driver's own managed retries of a TransientError happen inside each). */
const WRITE_ATTEMPTS = 4;

/** Ordering by UTF-16 code unit (not locale): the same order in every process, so entity locks are taken in one order. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Failures worth running a write again: what the driver calls retryable (deadlock, leader switch),
 * a transaction terminated or timed out while waiting for locks, and the EntityNotFound race
 * ("Unable to load NODE …": a node seen in an index was rolled back by a concurrent transaction).
 */
function transient(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = (error as Error)?.message ?? '';
  return (
    isRetryableError(error) ||
    /DeadlockDetected|Transaction\.Terminated|LockClientStopped|TransactionTimedOut|EntityNotFound/.test(code) ||
    /deadlock|terminated|Unable to load (NODE|RELATIONSHIP)/i.test(message)
  );
}

function unavailable(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  const transient = isRetryableError(error) || code === 'ServiceUnavailable' || code === 'SessionExpired' || /timed? ?out|acquisition|connect|terminated|deadlock|Unable to load/i.test((error as Error)?.message ?? '');
  if (transient) throw new AppError(ErrorCode.Unavailable, `Neo4j is unavailable (${(error as Error).message})`, { cause: error });
  throw error;
}
