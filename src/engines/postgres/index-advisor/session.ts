/**
 * The HypoPG what-if session: one connection of its own (never the read pool, so no hypothetical
 * index can leak into a user's EXPLAIN), started read-only like every read connection. HypoPG's
 * functions keep hypothetical indexes in backend memory and write nothing, so they run inside a
 * read-only transaction (checked on PostgreSQL 15 / hypopg 1.3.1): the whole session is one
 * BEGIN READ ONLY ... ROLLBACK, with hypopg_reset() first and last, and the connection is closed
 * at the end, which drops anything left.
 */
import pg from 'pg';
import type {
  HypotheticalIndex,
  IndexCandidate,
  PlannedQuery,
  WhatIfCost,
  WhatIfSession,
} from '../../contract/index-advisor.js';
import { toPgToolError } from '../core/errors.js';
import type { EngineSource } from '../../contract/engine.js';

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] };

export function readOnlyClient(
  source: EngineSource,
  timeoutMs: number,
  application = 'dba-mcp-index-advisor',
): pg.Client {
  const client = new pg.Client({
    connectionString: source.parsed.normalized,
    connectionTimeoutMillis: source.limits.connect_timeout_ms,
    application_name: application,
    options: `-c default_transaction_read_only=on -c standard_conforming_strings=on -c statement_timeout=${Math.max(1, Math.floor(timeoutMs))}`, // strings as the classifier reads them
  });
  client.on('error', () => {}); // a dropped connection must not crash the process; the query rejects
  return client;
}

/** Total cost, the hypothetical indexes used, and the relations read in full, from EXPLAIN (FORMAT JSON). */
export function readPgPlan(doc: unknown): WhatIfCost {
  const top = (Array.isArray(doc) ? doc[0] : doc) as { Plan?: PgPlan } | undefined;
  const used = new Set<string>();
  const fullScans: string[] = [];
  const visit = (p: PgPlan | undefined): void => {
    if (!p) return;
    const index = p['Index Name'];
    if (typeof index === 'string' && index.startsWith('<')) used.add(index);
    if (String(p['Node Type']).endsWith('Seq Scan') && typeof p['Relation Name'] === 'string')
      fullScans.push(p['Relation Name']);
    for (const c of p.Plans ?? []) visit(c);
  };
  visit(top?.Plan);
  const cost = top?.Plan?.['Total Cost'];
  return { cost: typeof cost === 'number' ? cost : null, used: [...used], fullScans };
}

export async function explainCost(client: pg.Client, q: PlannedQuery): Promise<WhatIfCost> {
  const res = await client.query<Record<string, unknown>>({
    text: `EXPLAIN (FORMAT JSON) ${q.sql}`,
    values: [...q.params],
  });
  const cell = Object.values(res.rows[0] ?? {})[0];
  return readPgPlan(typeof cell === 'string' ? JSON.parse(cell) : cell);
}

export class HypoPgSession implements WhatIfSession {
  readonly verifiedBy = 'hypopg' as const;

  private constructor(
    private readonly client: pg.Client,
    private readonly where: string,
    private readonly ddlFor: (c: IndexCandidate) => string,
  ) {}

  static async open(
    source: EngineSource,
    where: string,
    timeoutMs: number,
    ddlFor: (c: IndexCandidate) => string,
    signal?: AbortSignal,
  ): Promise<HypoPgSession> {
    const client = readOnlyClient(source, timeoutMs);
    // a cancelled call closes the session's connection: whatever runs on it stops with it
    signal?.addEventListener('abort', () => void client.end().catch(() => {}), { once: true });
    try {
      await client.connect();
      await client.query('BEGIN READ ONLY');
      await client.query('SELECT hypopg_reset()');
    } catch (err) {
      await client.end().catch(() => {});
      throw toPgToolError(err, where);
    }
    return new HypoPgSession(client, where, ddlFor);
  }

  /** One step under a savepoint: a statement that fails (a query that does not plan) leaves the session usable. */
  private async step<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query('SAVEPOINT step');
    try {
      const out = await fn();
      await this.client.query('RELEASE SAVEPOINT step');
      return out;
    } catch (err) {
      await this.client.query('ROLLBACK TO SAVEPOINT step').catch(() => {});
      throw toPgToolError(err, this.where);
    }
  }

  cost(q: PlannedQuery): Promise<WhatIfCost> {
    return this.step(() => explainCost(this.client, q));
  }

  add(c: IndexCandidate): Promise<HypotheticalIndex> {
    return this.step(async () => {
      const res = await this.client.query<{ indexrelid: number; indexname: string; size: string | null }>(
        'SELECT h.indexrelid, h.indexname, hypopg_relation_size(h.indexrelid)::text AS size FROM hypopg_create_index($1) h',
        [this.ddlFor(c)],
      );
      const row = res.rows[0];
      if (!row) throw new Error('hypopg_create_index returned nothing');
      return { name: row.indexname, sizeBytes: row.size === null ? null : Number(row.size) };
    });
  }

  async remove(index: HypotheticalIndex): Promise<void> {
    const oid = /^<(\d+)>/.exec(index.name)?.[1];
    if (oid) await this.step(() => this.client.query('SELECT hypopg_drop_index($1::oid)', [oid]));
  }

  async close(): Promise<void> {
    await this.client.query('SELECT hypopg_reset()').catch(() => {});
    await this.client.query('ROLLBACK').catch(() => {});
    await this.client.end().catch(() => {});
  }
}
