import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP_PROBLEMS, DEMO_SHOP_VERSION, ensureDemoShop } from '../../src/engines/sqlite/demo/shop.js';

const TABLES = ['customers', 'products', 'orders', 'order_items', 'events'] as const;

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-demo-'));
  dirs.push(dir);
  return dir;
}

function tableHash(db: Database.Database, table: string): string {
  const hash = createHash('sha256');
  for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY id`).raw().iterate()) {
    hash.update(JSON.stringify(row)).update('\n');
  }
  return hash.digest('hex');
}

function plan(db: Database.Database, sql: string): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
}

/** Names of indexes on `table` whose leading column is `column`. */
function indexesLeadingWith(db: Database.Database, table: string, column: string): string[] {
  const list = db.prepare(`SELECT name FROM pragma_index_list(?)`).all(table) as { name: string }[];
  return list
    .filter(({ name }) => {
      const cols = db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(name) as { name: string }[];
      return cols[0]?.name === column;
    })
    .map(({ name }) => name);
}

describe('ensureDemoShop', () => {
  let stateDir: string;
  let file: string;
  let db: Database.Database;

  beforeAll(() => {
    stateDir = tempDir();
    file = ensureDemoShop(stateDir);
    db = new Database(file, { readonly: true, fileMustExist: true });
  });

  afterAll(() => {
    db?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates <stateDir>/demo/shop-v<VERSION>.db as an absolute path, leaving no temp file', () => {
    expect(path.isAbsolute(file)).toBe(true);
    expect(file).toBe(path.resolve(stateDir, 'demo', `shop-v${DEMO_SHOP_VERSION}.db`));
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    if (process.platform !== 'win32') expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('returns the existing file on a second call without rebuilding it', () => {
    const before = fs.statSync(file);
    expect(ensureDemoShop(stateDir)).toBe(file);
    const after = fs.statSync(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it('trusts an existing file without opening it (cheap start path)', () => {
    const dir = tempDir();
    const target = path.join(dir, 'demo', `shop-v${DEMO_SHOP_VERSION}.db`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, 'not a database');
    expect(ensureDemoShop(dir)).toBe(target);
    expect(fs.readFileSync(target, 'utf8')).toBe('not a database');
  });

  it('removes temp files left by a crashed builder', () => {
    const dir = tempDir();
    const stale = path.join(dir, 'demo', `shop-v${DEMO_SHOP_VERSION}.db.999999999.0.tmp`);
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'half-written');
    const built = ensureDemoShop(dir);
    expect(fs.readdirSync(path.dirname(built))).toEqual([path.basename(built)]);
  });

  it('has row counts in the stated ranges', () => {
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect(count('customers')).toBeGreaterThanOrEqual(4_500);
    expect(count('customers')).toBeLessThanOrEqual(5_500);
    expect(count('products')).toBeGreaterThanOrEqual(400);
    expect(count('products')).toBeLessThanOrEqual(600);
    expect(count('orders')).toBeGreaterThanOrEqual(18_000);
    expect(count('orders')).toBeLessThanOrEqual(22_000);
    expect(count('order_items')).toBeGreaterThanOrEqual(45_000);
    expect(count('order_items')).toBeLessThanOrEqual(55_000);
    expect(count('events')).toBeGreaterThanOrEqual(36_000);
    expect(count('events')).toBeLessThanOrEqual(44_000);
  });

  it('is internally consistent: totals equal item sums, foreign keys hold, no empty orders', () => {
    const mismatched = db
      .prepare(
        `SELECT count(*) AS n FROM orders o
         WHERE o.total_cents IS NOT (SELECT sum(quantity * unit_price_cents) FROM order_items WHERE order_id = o.id)`,
      )
      .get() as { n: number };
    expect(mismatched.n).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const badEvents = db.prepare(`SELECT count(*) AS n FROM events WHERE NOT json_valid(payload)`).get() as {
      n: number;
    };
    expect(badEvents.n).toBe(0);
    const early = db
      .prepare(
        `SELECT count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at < c.created_at`,
      )
      .get() as { n: number };
    expect(early.n).toBe(0);
  });

  it('skews order status realistically, delivered by far the most common', () => {
    const rows = db.prepare(`SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC`).all() as {
      status: string;
      n: number;
    }[];
    expect(rows.map((r) => r.status).sort()).toEqual([
      'cancelled',
      'delivered',
      'paid',
      'pending',
      'refunded',
      'shipped',
    ]);
    expect(rows[0]?.status).toBe('delivered');
    expect(rows[0]!.n / 20_000).toBeGreaterThan(0.6);
  });

  it('is ready for read-only serving: rollback journal and sqlite_stat1', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    const stats = db.prepare(`SELECT count(*) AS n FROM sqlite_stat1`).get() as { n: number };
    expect(stats.n).toBeGreaterThan(0);
  });

  it('plants an unindexed foreign key on order_items.product_id (order_id is indexed)', () => {
    expect(indexesLeadingWith(db, 'order_items', 'product_id')).toEqual([]);
    expect(indexesLeadingWith(db, 'order_items', 'order_id')).toEqual(['idx_order_items_order']);
    const fks = db.prepare(`SELECT "from", "table" FROM pragma_foreign_key_list('order_items')`).all();
    expect(fks).toContainEqual({ from: 'product_id', table: 'products' });
    expect(plan(db, 'SELECT * FROM order_items WHERE product_id = 42')).toEqual(['SCAN order_items']);
  });

  it('plants a duplicate index pair on orders(customer_id)', () => {
    expect(indexesLeadingWith(db, 'orders', 'customer_id').sort()).toEqual([
      'idx_orders_customer',
      'idx_orders_customer_id',
    ]);
    for (const name of ['idx_orders_customer', 'idx_orders_customer_id']) {
      const cols = db.prepare(`SELECT name FROM pragma_index_info(?)`).all(name);
      expect(cols).toEqual([{ name: 'customer_id' }]);
    }
  });

  it('plants a query that needs a composite index on events(customer_id, created_at)', () => {
    expect(indexesLeadingWith(db, 'events', 'customer_id')).toEqual([]);
    const detail = plan(
      db,
      `SELECT * FROM events WHERE customer_id = 42 AND created_at >= '2025-03-01' AND created_at < '2025-04-01'
       ORDER BY created_at DESC`,
    );
    expect(detail).toContain('SCAN events');
    expect(detail).toContain('USE TEMP B-TREE FOR ORDER BY');
    expect(detail.some((d) => d.includes('USING INDEX'))).toBe(false);
  });

  it('documents the planted problems', () => {
    const kinds = DEMO_SHOP_PROBLEMS.map((p) => p.kind);
    expect(kinds).toContain('unindexed_foreign_key');
    expect(kinds).toContain('duplicate_index');
    expect(kinds).toContain('missing_composite_index');
    const text = DEMO_SHOP_PROBLEMS.map((p) => p.detail).join('\n');
    for (const needle of ['order_items.product_id', 'idx_orders_customer_id', 'events(customer_id, created_at)']) {
      expect(text).toContain(needle);
    }
  });

  it('generates byte-identical table contents in another directory', () => {
    const other = new Database(ensureDemoShop(tempDir()), { readonly: true, fileMustExist: true });
    try {
      for (const table of TABLES) expect(tableHash(other, table), table).toBe(tableHash(db, table));
    } finally {
      other.close();
    }
  });
});
