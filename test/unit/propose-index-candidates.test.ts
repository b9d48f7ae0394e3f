/**
 * propose_index without a database: query shapes from the real parsers (libpg-query; sqlparser-rs
 * MySQL and SQLite dialects), candidate generation per kind from those shapes and given statistics,
 * the existing-index filter (equal keys or a prefix), placeholder values, greedy selection.
 */
import { describe, expect, it } from 'vitest';
import { pgQueryShape } from '../../src/engines/postgres/index-advisor/shape.js';
import { sqlparserQueryShape } from '../../src/engines/kit/sqlparser/query-shape.js';
import type { ColumnFacts, IndexCandidate, QueryShape, TableStats } from '../../src/engines/contract/index-advisor.js';
import type { IndexInfo } from '../../src/engines/contract/engine.js';
import { candidatesFor, type CandidateContext } from '../../src/tools/index-advice/candidates.js';
import { coveringExisting, termText } from '../../src/tools/index-advice/keys.js';
import { chooseParams, planned, substitute } from '../../src/tools/index-advice/params.js';
import { greedySelect, type Evaluator } from '../../src/tools/index-advice/select.js';

const facts = (f: Partial<ColumnFacts>): ColumnFacts => ({
  distinct: null,
  nullFraction: 0,
  correlation: null,
  mcv: [],
  bounds: [],
  ...f,
});

function ctx(
  rows: number,
  columns: Record<string, Partial<ColumnFacts>>,
  over: Partial<CandidateContext> = {},
): CandidateContext {
  const stats: TableStats = { rows, columns: new Map(Object.entries(columns).map(([k, v]) => [k, facts(v)])) };
  return {
    table: { schema: 'public', name: 't' },
    stats,
    supports: { partial: true, include: true, expression: true, brin: true },
    prefixOpclass: 'text_pattern_ops',
    columnCount: 8,
    partialWhere: (p) =>
      p.op === 'is_null'
        ? `${termText(p.term)} IS NULL`
        : `${termText(p.term)} = '${(p.values[0] as { literal: string }).literal}'`,
    ...over,
  };
}

const keys = (cs: IndexCandidate[], kind?: string) =>
  cs
    .filter((c) => !kind || c.kind === kind)
    .map((c) => [c.keys.map(termText).join(','), c.include.join(','), c.where ?? '', c.method]);

describe('query shapes from the real parsers', () => {
  it('PostgreSQL: predicates per table, joins, order, limit, expressions, placeholders', async () => {
    const s = await pgQueryShape(
      `SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE lower(c.email) = $1 AND o.created_at::date >= '2024-01-01' AND o.meta->>'k' = 'v' ORDER BY o.created_at DESC LIMIT $2`,
    );
    const [o, c] = s.accesses;
    expect([o!.table.name, c!.table.name]).toEqual(['orders', 'customers']);
    expect(o!.joinColumns).toEqual(['customer_id']);
    expect(c!.joinColumns).toEqual(['id']);
    expect(c!.predicates.map((p) => [p.term.expression, p.op, p.values])).toEqual([
      ['lower(email)', 'eq', [{ param: 1 }]],
    ]);
    expect(o!.predicates.map((p) => [p.term.expression, p.op])).toEqual([
      ['(created_at)::date', 'range'],
      ["(meta ->> 'k')", 'eq'],
    ]);
    expect(o!.orderBy.map((x) => [termText(x.term), x.desc])).toEqual([['created_at', true]]);
    expect(s).toMatchObject({ limit: true, isRead: true, params: 2 });
  });

  it('PostgreSQL: subqueries get their own scope, min/max reads like ORDER BY ... LIMIT 1, OR is not indexable', async () => {
    const s = await pgQueryShape(
      `SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) AND (c.a = 1 OR c.b = 2)`,
    );
    expect(s.accesses.map((a) => [a.table.name, a.joinColumns, a.predicates.length])).toEqual([
      ['customers', ['id'], 0],
      ['orders', ['customer_id'], 0],
    ]);
    expect(s.orFilters).toBe(1);
    const m = await pgQueryShape(`SELECT max(created_at) FROM events`);
    expect(m.accesses[0]!.orderBy.map((x) => [termText(x.term), x.desc])).toEqual([['created_at', true]]);
    expect(m.limit).toBe(true);
  });

  it('MySQL and SQLite (sqlparser-rs): the same shape, placeholders numbered in text order', async () => {
    for (const dialect of ['mysql', 'sqlite'] as const) {
      const s = await sqlparserQueryShape(
        `SELECT p.* FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.status = ? AND o.created_at BETWEEN ? AND ? ORDER BY o.created_at LIMIT 5`,
        dialect,
        (x) => x,
      );
      const [p, o] = s.accesses;
      expect(p!.joinColumns).toEqual(['order_id']);
      expect(o!.predicates.map((x) => [termText(x.term), x.op, x.values])).toEqual([
        ['status', 'eq', [{ param: 1 }]],
        ['created_at', 'range', [{ param: 2 }, { param: 3 }]],
      ]);
      expect(p!.referenced).toBeNull();
      expect(s.limit).toBe(true);
    }
    const e = await sqlparserQueryShape(`SELECT id FROM customers WHERE lower(email) = 'x'`, 'sqlite', (x) => x);
    expect(e.accesses[0]!.predicates[0]!.term.expression).toBe(`lower(email)`);
  });
});

describe('candidates', () => {
  it('equality columns first (most selective first), then one range; covering when selective', async () => {
    const [a] = (
      await pgQueryShape(`SELECT id, total FROM t WHERE status = 'x' AND customer_id = 5 AND created_at > '2024-01-01'`)
    ).accesses;
    const c = candidatesFor(a!, ctx(1e6, { status: { distinct: 5 }, customer_id: { distinct: 100000 } }), false);
    expect(keys(c, 'equality')).toContainEqual(['customer_id,status', '', '', 'btree']);
    expect(keys(c, 'range')).toContainEqual(['customer_id,status,created_at', '', '', 'btree']);
    expect(keys(c, 'covering')).toEqual([['customer_id,status,created_at', 'id,total', '', 'btree']]);
  });

  it('sort and group keys after the equality columns; join keys', async () => {
    const [a] = (await pgQueryShape(`SELECT * FROM t WHERE account = 3 ORDER BY created_at LIMIT 10`)).accesses;
    expect(keys(candidatesFor(a!, ctx(1e6, { account: { distinct: 1000 } }), true), 'sort')).toEqual([
      ['created_at', '', '', 'btree'],
      ['account,created_at', '', '', 'btree'],
    ]);
    const [, b] = (await pgQueryShape(`SELECT * FROM u JOIN t ON t.u_id = u.id`)).accesses;
    expect(keys(candidatesFor(b!, ctx(1e6, {}), false), 'join')).toEqual([['u_id', '', '', 'btree']]);
  });

  it('no sort index for an ORDER BY without LIMIT over the whole table (it only trades the sort for random reads)', async () => {
    const [a] = (await pgQueryShape(`SELECT id, weight FROM t ORDER BY weight`)).accesses;
    expect(candidatesFor(a!, ctx(2e6, {}), false)).toEqual([]);
    const [b] = (await pgQueryShape(`SELECT id, weight FROM t ORDER BY weight LIMIT 20`)).accesses;
    expect(keys(candidatesFor(b!, ctx(2e6, {}), true), 'sort')).toEqual([['weight', '', '', 'btree']]);
  });

  it('OR of conditions on one table: each branch gets its own candidates (a bitmap OR combines them)', async () => {
    const s = await pgQueryShape(`SELECT id FROM t WHERE barcode = 'X' OR (shipment_id = 7 AND status = 'ok')`);
    const [a] = s.accesses;
    expect(a!.predicates).toEqual([]);
    expect(s.orFilters).toBe(1);
    const c = candidatesFor(
      a!,
      ctx(2e6, { barcode: { distinct: 2e6 }, shipment_id: { distinct: 1e6 }, status: { distinct: 4 } }),
      false,
    );
    expect(keys(c, 'equality')).toEqual(
      expect.arrayContaining([
        ['barcode', '', '', 'btree'],
        ['shipment_id', '', '', 'btree'],
      ]),
    );
    // an OR across two tables, or with a branch no index can serve, gives no candidates
    const [x, y] = (await pgQueryShape(`SELECT * FROM t JOIN u ON u.id = t.u_id WHERE t.a = 1 OR u.b = 2`)).accesses;
    expect(keys(candidatesFor(x!, ctx(1e6, {}), false), 'equality')).toEqual([]);
    expect(keys(candidatesFor(y!, ctx(1e6, {}), false), 'equality')).toEqual([]);
    const [z] = (await pgQueryShape(`SELECT * FROM t WHERE a = 1 OR b <> 2`)).accesses;
    expect(keys(candidatesFor(z!, ctx(1e6, {}), false), 'equality')).toEqual([]);
  });

  it('partial index for a rare value of a status-like column, never for a key-like column', async () => {
    const [a] = (await pgQueryShape(`SELECT * FROM t WHERE status = 'pending' ORDER BY created_at LIMIT 50`)).accesses;
    const rare = ctx(1e6, {
      status: {
        distinct: 3,
        mcv: [
          { value: 'shipped', freq: 0.98 },
          { value: 'pending', freq: 0.01 },
        ],
      },
    });
    expect(keys(candidatesFor(a!, rare, true), 'partial')).toEqual([['created_at', '', "status = 'pending'", 'btree']]);
    const common = ctx(1e6, { status: { distinct: 3, mcv: [{ value: 'pending', freq: 0.6 }] } });
    expect(keys(candidatesFor(a!, common, true), 'partial')).toEqual([]);
    const [k] = (await pgQueryShape(`SELECT * FROM t WHERE order_id = 42`)).accesses;
    expect(keys(candidatesFor(k!, ctx(1e6, { order_id: { distinct: 900000 } }), false), 'partial')).toEqual([]);
  });

  it('expression keys; LIKE prefix with the operator class; BRIN only on large, physically ordered tables', async () => {
    const [e] = (await pgQueryShape(`SELECT * FROM t WHERE lower(email) = 'a@b'`)).accesses;
    expect(keys(candidatesFor(e!, ctx(1e5, {}), false), 'expression')).toEqual([['lower(email)', '', '', 'btree']]);
    expect(
      candidatesFor(
        e!,
        ctx(1e5, {}, { supports: { partial: false, include: false, expression: false, brin: false } }),
        false,
      ),
    ).toEqual([]);
    const [l] = (await pgQueryShape(`SELECT * FROM t WHERE name LIKE 'Blue%'`)).accesses;
    expect(candidatesFor(l!, ctx(1e5, {}), false)[0]).toMatchObject({ opclass: ['text_pattern_ops'] });
    const [r] = (await pgQueryShape(`SELECT count(*) FROM t WHERE at >= '2024-01-01' AND at < '2024-01-02'`)).accesses;
    expect(keys(candidatesFor(r!, ctx(5e6, { at: { correlation: 0.999 } }), false), 'brin')).toEqual([
      ['at', '', '', 'brin'],
    ]);
    expect(keys(candidatesFor(r!, ctx(5e6, { at: { correlation: 0.2 } }), false), 'brin')).toEqual([]);
    expect(keys(candidatesFor(r!, ctx(5e4, { at: { correlation: 0.999 } }), false), 'brin')).toEqual([]);
  });
});

describe('existing indexes', () => {
  const ix = (name: string, columns: string[], extra: Partial<IndexInfo> = {}): IndexInfo => ({
    name,
    columns,
    include: [],
    unique: false,
    primary: false,
    method: 'btree',
    predicate: null,
    valid: true,
    ...extra,
  });
  const cand = (cols: string[], extra: Partial<IndexCandidate> = {}): IndexCandidate => ({
    table: { schema: 'public', name: 't' },
    keys: cols.map((c) => ({ column: c, columns: [c] })),
    include: [],
    where: null,
    method: 'btree',
    kind: 'equality',
    ...extra,
  });

  it('an index with the same keys, or whose keys start with the candidate, serves it; expressions compare normalized', () => {
    const existing = [ix('t_a_b', ['a', 'b']), ix('t_lower', ['lower(email)']), ix('t_bad', ['c'], { valid: false })];
    expect(coveringExisting(cand(['a']), existing)?.name).toBe('t_a_b');
    expect(coveringExisting(cand(['a', 'b']), existing)?.name).toBe('t_a_b');
    expect(coveringExisting(cand(['b']), existing)).toBeUndefined();
    expect(coveringExisting(cand(['a', 'b', 'c']), existing)).toBeUndefined();
    expect(coveringExisting(cand(['c']), existing)).toBeUndefined(); // an invalid index serves nothing
    expect(
      coveringExisting(
        { ...cand([]), keys: [{ expression: '(lower(email))', columns: ['email'] }], kind: 'expression' },
        existing,
      )?.name,
    ).toBe('t_lower');
    expect(coveringExisting(cand(['a'], { method: 'brin' }), existing)).toBeUndefined();
  });
});

describe('placeholders', () => {
  it('take values from the statistics of the column they are compared with, in text order', async () => {
    const shape: QueryShape = await pgQueryShape(`SELECT * FROM t WHERE a = $1 AND b > $2 LIMIT $3`);
    shape.accesses[0]!.table.schema = 'public';
    const stats = new Map([
      [
        'public.t',
        {
          rows: 1000,
          columns: new Map([
            ['a', facts({ bounds: ['1', '5', '9'] })],
            ['b', facts({ bounds: ['10', '20', '30', '40', '50'] })],
          ]),
        },
      ],
    ]);
    const choices = chooseParams(shape, stats);
    expect([choices.get(1)?.value, choices.get(2)?.value]).toEqual(['5', '50']);
    expect(planned(`SELECT * FROM t WHERE a = $1 AND b > $2 LIMIT $3`, choices, 'dollar', (v) => `'${v}'`, 3)).toEqual({
      sql: `SELECT * FROM t WHERE a = '5' AND b > '50' LIMIT 10`,
      params: [],
    });
    expect(substitute(`SELECT '?' , ? FROM "a?" WHERE x = ?`, 'question', (n) => `<${n}>`)).toBe(
      `SELECT '?' , <1> FROM "a?" WHERE x = <2>`,
    );
  });
});

describe('greedy selection', () => {
  it('takes the biggest saving, prefers the smaller of near-equal indexes, stops under 50% and at max_indexes', async () => {
    const a: IndexCandidate = {
      table: { schema: 's', name: 't' },
      keys: [{ column: 'a', columns: ['a'] }],
      include: [],
      where: null,
      method: 'btree',
      kind: 'equality',
    };
    const ab: IndexCandidate = { ...a, keys: [...a.keys, { column: 'b', columns: ['b'] }] };
    const c: IndexCandidate = { ...a, keys: [{ column: 'c', columns: ['c'] }] };
    const cost: Record<string, Record<number, number>> = {
      a: { 1: 10, 2: 1000 },
      ab: { 1: 10.2, 2: 1000 },
      c: { 1: 1000, 2: 600 },
    };
    const name = (x: IndexCandidate) => x.keys.map((k) => k.column).join('');
    const ev: Evaluator = {
      baseline: async () =>
        new Map([
          [1, 1000],
          [2, 1000],
        ]),
      trial: async (x) => ({
        costs: new Map(Object.entries(cost[name(x)]!).map(([k, v]) => [Number(k), v])),
        usedBy: new Set([1, 2]),
        sizeBytes: x.keys.length * 100,
      }),
      commit: async () => {},
    };
    const workload = [1, 2].map((id) => ({ id, weight: 1, tables: new Set(['s.t']) }));
    const opts = {
      minImprovement: 0.5,
      minCost: 100,
      maxIndexes: 5,
      maxSizeBytes: Infinity,
      maxRuntimeMs: 30_000,
      tableKey: () => 's.t',
    };
    const sel = await greedySelect(workload, [ab, a, c], ev, opts);
    expect(sel.chosen.map((x) => name(x.candidate))).toEqual(['a']); // c saves only 40% on query 2
    expect(sel.chosen[0]!.helped).toEqual([1]);
    expect(sel.bestFirst.get(2)?.improvement).toBeCloseTo(0.4);
    const none = await greedySelect(workload, [ab, a], ev, { ...opts, maxSizeBytes: 50 });
    expect(none.chosen).toEqual([]);
    expect([...none.overBudget]).toEqual([1]);
  });

  it('an OR whose branches each need an index: tried together (one per branch) when no single index helps', async () => {
    const s = await pgQueryShape(`SELECT id FROM t WHERE a = 'x' OR b = 5`);
    const cs = candidatesFor(s.accesses[0]!, ctx(2e6, { a: { distinct: 2e6 }, b: { distinct: 3e4 } }), false);
    expect(cs.filter((c) => c.orBranch).map((c) => [c.keys.map(termText).join(','), c.orBranch!.branch])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    const name = (x: IndexCandidate) => x.keys.map((k) => k.column).join('');
    const trials: string[][] = [];
    const ev: Evaluator = {
      baseline: async () => new Map([[1, 28000]]),
      // one index alone is not used (the other branch would still need a full scan)
      trial: async () => ({ costs: new Map([[1, 28000]]), usedBy: new Set(), sizeBytes: 100 }),
      trialSet: async (xs) => {
        trials.push(xs.map(name));
        return { costs: new Map([[1, 20]]), usedBy: new Set([1]), sizeBytes: 200 };
      },
      commit: async () => {},
    };
    const opts = {
      minImprovement: 0.5,
      minCost: 100,
      maxIndexes: 5,
      maxSizeBytes: Infinity,
      maxRuntimeMs: 30_000,
      tableKey: () => 'public.t',
    };
    const sel = await greedySelect([{ id: 1, weight: 1, tables: new Set(['public.t']) }], cs, ev, opts);
    expect(trials).toEqual([['a', 'b']]);
    expect(sel.chosen.map((x) => [name(x.candidate), x.helped])).toEqual([
      ['a', [1]],
      ['b', [1]],
    ]);
    expect(sel.final.get(1)).toBe(20);
    // no room for both: neither is proposed
    expect(
      (await greedySelect([{ id: 1, weight: 1, tables: new Set(['public.t']) }], cs, ev, { ...opts, maxIndexes: 1 }))
        .chosen,
    ).toEqual([]);
  });

  it('a statement with two scans that each need an index (UNION ALL): the indexes the plan uses together, when each alone saves under 50%', async () => {
    const mk = (col: string): IndexCandidate => ({
      table: { schema: 'public', name: 't' },
      keys: [{ column: col, columns: [col] }],
      include: [],
      where: null,
      method: 'btree',
      kind: 'equality',
    });
    const [a, b, c] = [mk('a'), mk('b'), mk('c')];
    const name = (x: IndexCandidate) => x.keys.map((k) => k.column).join('');
    // alone: a and b each halve nothing but their own branch (49%); c is used but saves 5%
    const alone: Record<string, number> = { a: 510, b: 510, c: 950 };
    const ev: Evaluator = {
      baseline: async () => new Map([[1, 1000]]),
      trial: async (x) => ({ costs: new Map([[1, alone[name(x)]!]]), usedBy: new Set([1]), sizeBytes: 100 }),
      // together the plan uses a and b (c only when it is the only index on its branch)
      trialSet: async (xs) => {
        const names = xs.map(name);
        const used = names.map((n) => n !== 'c' || !names.includes('a'));
        const cost = 1000 - (names.includes('a') ? 490 : 0) - (names.includes('b') ? 490 : 0);
        return {
          costs: new Map([[1, cost]]),
          usedBy: used.every(Boolean) ? new Set([1]) : new Set(),
          usedByEach: used.map((u) => new Set(u ? [1] : [])),
          sizeBytes: 100 * xs.length,
          sizes: xs.map(() => 100),
        };
      },
      commit: async () => {},
    };
    const opts = {
      minImprovement: 0.5,
      minCost: 100,
      maxIndexes: 5,
      maxSizeBytes: Infinity,
      maxRuntimeMs: 30_000,
      tableKey: () => 'public.t',
    };
    const sel = await greedySelect([{ id: 1, weight: 1, tables: new Set(['public.t']) }], [c, a, b], ev, opts);
    expect(sel.chosen.map((x) => name(x.candidate)).sort()).toEqual(['a', 'b']);
    expect(sel.final.get(1)).toBe(20);
    expect(
      (
        await greedySelect([{ id: 1, weight: 1, tables: new Set(['public.t']) }], [c, a, b], ev, {
          ...opts,
          maxIndexes: 1,
        })
      ).chosen,
    ).toEqual([]);
  });
});
