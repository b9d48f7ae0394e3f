/** Rules found missing by the blind corpus (test/fixtures/analyze-blind), on hand-made plans as the engines print them. */
import { describe, expect, it } from 'vitest';
import { normalizePgPlan } from '../../src/engines/postgres/core/explain.js';
import { normalizeMysqlPlan } from '../../src/engines/mysql/core/explain.js';
import { analyzePlan } from '../../src/tools/analyze/findings.js';
import { statementFacts } from '../../src/tools/analyze/statement.js';
import type { TableDetail } from '../../src/engines/contract/engine.js';

const table = (schema: string, name: string, rows: number, columns: string[]): TableDetail => ({
  schema,
  name,
  kind: 'table',
  row_estimate: rows,
  size_bytes: rows * 100,
  comment: null,
  columns: columns.map((c) => ({ name: c, type: 'bigint', nullable: true, default: null, comment: null })),
  primary_key: null,
  foreign_keys: [],
  indexes: [],
});
const ids = { id: () => 0 };

describe('blind corpus rules', () => {
  it('does not call an ungrouped aggregate over a MySQL/MariaDB scan a large result', () => {
    // MariaDB EXPLAIN FORMAT=JSON of SELECT count(*) FROM users WHERE status = 'active': the top is the scan, not the aggregate
    const root = normalizeMysqlPlan(
      {
        query_block: {
          select_id: 1,
          nested_loop: [
            {
              table: {
                table_name: 'users',
                access_type: 'ALL',
                rows: 100000,
                filtered: 84.375,
                attached_condition: "users.`status` = 'active'",
              },
            },
          ],
        },
      },
      'db',
    );
    const tables = new Map([['db.users', table('db', 'users', 100000, ['id', 'status'])]]);
    const found = analyzePlan(
      { root, analyzed: false },
      tables,
      ids,
      statementFacts("SELECT count(*) FROM users WHERE status = 'active'"),
    );
    expect(found).toEqual([]);
    // the same scan returning its rows is a large result
    const rows = analyzePlan(
      { root, analyzed: false },
      tables,
      ids,
      statementFacts("SELECT id FROM users WHERE status = 'active'"),
    );
    expect(rows.map((f) => f.code)).toEqual(['MISSING_LIMIT_LARGE_RESULT']);
  });

  it('reports a dependent subquery that fully scans a large table for a few dozen outer rows', () => {
    // MariaDB: 50 outer rows, each running a full scan of 400,000 rows (20M rows read)
    const doc = {
      query_block: {
        select_id: 1,
        nested_loop: [
          {
            table: {
              table_name: 't',
              access_type: 'ref',
              key: 't_tenant',
              used_key_parts: ['tenant_id'],
              ref: ['const'],
              rows: 50,
              filtered: 100,
            },
          },
        ],
        subqueries: [
          {
            expression_cache: {
              state: 'uninitialized',
              query_block: {
                select_id: 2,
                nested_loop: [
                  {
                    table: {
                      table_name: 'e',
                      access_type: 'ALL',
                      rows: 400000,
                      filtered: 100,
                      attached_condition: 'e.user_id = t.requester_id',
                    },
                  },
                ],
              },
            },
          },
        ],
      },
    };
    const tables = new Map([
      ['db.t', table('db', 't', 100000, ['id', 'tenant_id', 'requester_id'])],
      ['db.e', table('db', 'e', 400000, ['id', 'user_id'])],
    ]);
    const found = analyzePlan(
      { root: normalizeMysqlPlan(doc, 'db'), analyzed: false },
      tables,
      ids,
      statementFacts(
        'SELECT t.id, (SELECT count(*) FROM e WHERE e.user_id = t.requester_id) FROM t WHERE t.tenant_id = 3',
      ),
    );
    expect(found.map((f) => f.code)).toEqual(['CORRELATED_SUBQUERY']);
    expect(found[0]).toMatchObject({ severity: 'critical', evidence: { executions: 50, inner_table: 'db.e' } });
    expect(found[0]!.fix).toContain('CREATE INDEX ON db.e (user_id)');
    // two outer rows over the same scan: 800k rows read, not worth a finding
    const two = structuredClone(doc);
    two.query_block.nested_loop[0]!.table.rows = 2;
    expect(analyzePlan({ root: normalizeMysqlPlan(two, 'db'), analyzed: false }, tables, ids)).toEqual([]);
  });

  it('reports an index that fetches many rows for a filter that keeps few (estimated plan)', () => {
    // PostgreSQL UPDATE ... WHERE requester_id = 99 AND state = 'open': the index on state fetches 35,780 rows, the filter keeps 1
    const heap = (keep: number) =>
      normalizePgPlan({
        'Node Type': 'ModifyTable',
        Operation: 'Update',
        'Relation Name': 'tickets',
        Schema: 'public',
        'Plan Rows': 0,
        Plans: [
          {
            'Node Type': 'Bitmap Heap Scan',
            'Relation Name': 'tickets',
            Schema: 'public',
            'Plan Rows': keep,
            'Recheck Cond': "(tickets.state = 'open'::text)",
            Filter: '(tickets.requester_id = 99)',
            Plans: [
              {
                'Node Type': 'Bitmap Index Scan',
                'Index Name': 'tickets_tenant_state_idx',
                'Plan Rows': 35780,
                'Index Cond': "(tickets.state = 'open'::text)",
              },
            ],
          },
        ],
      });
    const tickets = {
      ...table('public', 'tickets', 300000, ['id', 'tenant_id', 'requester_id', 'state']),
      indexes: [
        {
          name: 'tickets_tenant_state_idx',
          columns: ['tenant_id', 'state'],
          include: [],
          unique: false,
          primary: false,
          method: 'btree',
          predicate: null,
          valid: true,
        },
      ],
    };
    const tables = new Map([['public.tickets', tickets]]);
    const found = analyzePlan(
      { root: heap(1), analyzed: false },
      tables,
      ids,
      statementFacts("UPDATE tickets SET state = 'closed' WHERE requester_id = 99 AND state = 'open'"),
    );
    expect(found.map((f) => f.code)).toEqual(['ROWS_REMOVED_BY_FILTER']);
    expect(found[0]!.evidence).toMatchObject({ rows_fetched: 35780, rows_returned: 1, estimated: 'yes' });
    expect(found[0]!.fix).toContain('CREATE INDEX ON public.tickets (requester_id)');
    // a filter that keeps most of what the index fetched is fine
    expect(analyzePlan({ root: heap(30000), analyzed: false }, tables, ids)).toEqual([]);
  });

  it('explains a NOT IN subquery too big to hash, rescanned per outer row, with the NOT EXISTS rewrite', () => {
    // PostgreSQL: u.id NOT IN (SELECT e.user_id FROM events e); 2M rows do not fit work_mem, so the SubPlan is plain and materialized
    const root = normalizePgPlan({
      'Node Type': 'Seq Scan',
      'Relation Name': 'users',
      Schema: 'public',
      Alias: 'u',
      'Plan Rows': 598,
      Filter: "((u.status = 'deleted'::text) AND (NOT (SubPlan 1)))",
      Plans: [
        {
          'Node Type': 'Materialize',
          'Parent Relationship': 'SubPlan',
          'Subplan Name': 'SubPlan 1',
          'Plan Rows': 2000000,
          Plans: [
            { 'Node Type': 'Seq Scan', 'Relation Name': 'events', Schema: 'public', Alias: 'e', 'Plan Rows': 2000000 },
          ],
        },
      ],
    });
    const tables = new Map([
      ['public.users', table('public', 'users', 200000, ['id', 'status'])],
      ['public.events', table('public', 'events', 2000000, ['id', 'user_id'])],
    ]);
    const sql = "SELECT u.id FROM users u WHERE u.status = 'deleted' AND u.id NOT IN (SELECT e.user_id FROM events e)";
    const found = analyzePlan({ root, analyzed: false }, tables, ids, statementFacts(sql)).filter(
      (f) => f.code === 'CORRELATED_SUBQUERY',
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('not hashed');
    expect(found[0]!.evidence).toMatchObject({ in_subquery: 'u.id NOT IN (SELECT e.user_id ...)' });
    expect(found[0]!.fix).toContain('NOT EXISTS (SELECT 1 FROM ... WHERE e.user_id = u.id)');
    expect(found[0]!.fix).toContain('work_mem');
  });

  it('explains an anchored LIKE that a plain B-tree cannot serve (non-C collation): text_pattern_ops', () => {
    // PostgreSQL with a C.UTF-8 / en_US database: LIKE 'user12345@%' is a Seq Scan although email has a unique index
    const root = normalizePgPlan({
      'Node Type': 'Seq Scan',
      'Relation Name': 'users',
      Schema: 'public',
      'Plan Rows': 20,
      Filter: "(users.email ~~ 'user12345@%'::text)",
    });
    const users: TableDetail = {
      ...table('public', 'users', 200000, ['id']),
      columns: [
        { name: 'id', type: 'bigint', nullable: false, default: null, comment: null },
        { name: 'email', type: 'text', nullable: false, default: null, comment: null },
      ],
      indexes: [
        {
          name: 'users_email_key',
          columns: ['email'],
          include: [],
          unique: true,
          primary: false,
          method: 'btree',
          predicate: null,
          valid: true,
        },
      ],
    };
    const found = analyzePlan(
      { root, analyzed: false },
      new Map([['public.users', users]]),
      ids,
      statementFacts("SELECT id FROM users WHERE email LIKE 'user12345@%'"),
    );
    expect(found.map((f) => f.code)).toEqual(['INDEX_NOT_USABLE']);
    expect(found[0]!.evidence).toMatchObject({
      column: 'email',
      index: 'users_email_key',
      predicate: 'pattern_collation',
    });
    expect(found[0]!.fix).toContain('CREATE INDEX ON public.users (email text_pattern_ops)');
    // a leading wildcard stays a leading wildcard
    const lead = normalizePgPlan({
      'Node Type': 'Seq Scan',
      'Relation Name': 'users',
      Schema: 'public',
      'Plan Rows': 20,
      Filter: "(users.email ~~ '%@t77.example'::text)",
    });
    expect(
      analyzePlan({ root: lead, analyzed: false }, new Map([['public.users', users]]), ids)[0]!.evidence,
    ).toMatchObject({ predicate: 'leading_wildcard' });
  });

  it('judges a parallel scan by its rows over all workers, not per worker', () => {
    // PostgreSQL prints a Parallel Seq Scan's rows per process: 100,000 per worker with 2 workers is ~240,000 (12%) of 2M
    const gather = (perWorker: number) =>
      normalizePgPlan({
        'Node Type': 'Aggregate',
        Strategy: 'Plain',
        'Partial Mode': 'Finalize',
        'Plan Rows': 1,
        Plans: [
          {
            'Node Type': 'Gather',
            'Parent Relationship': 'Outer',
            'Plan Rows': 2,
            'Workers Planned': 2,
            Plans: [
              {
                'Node Type': 'Aggregate',
                Strategy: 'Plain',
                'Partial Mode': 'Partial',
                'Parent Relationship': 'Outer',
                'Plan Rows': 1,
                Plans: [
                  {
                    'Node Type': 'Seq Scan',
                    'Parallel Aware': true,
                    'Parent Relationship': 'Outer',
                    'Relation Name': 'events',
                    Schema: 'public',
                    'Plan Rows': perWorker,
                    Filter: "(events.kind = 'login'::text)",
                  },
                ],
              },
            ],
          },
        ],
      });
    const tables = new Map([['public.events', table('public', 'events', 2000000, ['id', 'kind'])]]);
    const scan = gather(100000).children[0]!.children[0]!.children[0]!;
    expect(scan.estRows).toBe(240000);
    expect(
      analyzePlan(
        { root: gather(100000), analyzed: false },
        tables,
        ids,
        statementFacts("SELECT count(*) FROM events WHERE kind = 'login'"),
      ),
    ).toEqual([]);
    // a selective one stays selective
    const few = analyzePlan(
      { root: gather(1000), analyzed: false },
      tables,
      ids,
      statementFacts("SELECT count(*) FROM events WHERE kind = 'export'"),
    );
    expect(few.map((f) => f.code)).toEqual(['FULL_SCAN_LARGE_TABLE']);
    expect(few[0]!.evidence).toMatchObject({ rows_returned: 2400 });
  });

  it('explains an ILIKE on a B-tree-indexed column: lower() expression index or trigram', () => {
    const root = normalizePgPlan({
      'Node Type': 'Seq Scan',
      'Relation Name': 'users',
      Schema: 'public',
      'Plan Rows': 20,
      Filter: "(users.email ~~* 'user123@%'::text)",
    });
    const users: TableDetail = {
      ...table('public', 'users', 200000, ['id']),
      columns: [{ name: 'email', type: 'text', nullable: false, default: null, comment: null }],
      indexes: [
        {
          name: 'users_email_key',
          columns: ['email'],
          include: [],
          unique: true,
          primary: false,
          method: 'btree',
          predicate: null,
          valid: true,
        },
      ],
    };
    const found = analyzePlan({ root, analyzed: false }, new Map([['public.users', users]]), ids);
    expect(found.map((f) => f.code)).toEqual(['INDEX_NOT_USABLE']);
    expect(found[0]!.evidence).toMatchObject({ column: 'email', predicate: 'case_insensitive_like' });
    expect(found[0]!.fix).toContain('CREATE INDEX ON public.users (lower(email) text_pattern_ops)');
  });
});
