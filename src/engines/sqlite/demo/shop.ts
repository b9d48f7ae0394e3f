/**
 * The embedded demo database ("shop") that dba-mcp serves when started with no source.
 *
 * A small online shop, generated deterministically (mulberry32, fixed seed, fixed epoch
 * 2025-01-01T00:00:00Z; one year of activity): customers ~5,000, products 500,
 * orders 20,000, order_items ~50,000, events 40,000. Order totals equal the sum of their items.
 *
 * Deliberately planted problems (also exported as DEMO_SHOP_PROBLEMS):
 *  1. Unindexed foreign key: order_items.product_id REFERENCES products(id) has no index
 *     (order_items.order_id is indexed). `SELECT * FROM order_items WHERE product_id = ?`
 *     plans as `SCAN order_items`, and every delete/update of a product scans order_items.
 *  2. Duplicate index: idx_orders_customer and idx_orders_customer_id are both on
 *     orders(customer_id); one of them is pure write and storage overhead.
 *  3. Missing composite index: events has an index on kind only. The typical query
 *     `SELECT * FROM events WHERE customer_id = ? AND created_at >= ? AND created_at < ?
 *     ORDER BY created_at DESC` plans as `SCAN events` + `USE TEMP B-TREE FOR ORDER BY`;
 *     it wants an index on events(customer_id, created_at).
 *  4. Consequence of 3: events.customer_id REFERENCES customers(id) is an unindexed foreign key too.
 *
 * The database is built in `<file>.<pid>.<thread>.tmp` and renamed into place, so a crash
 * never leaves a half-written demo database behind under the final name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Bump when the generated content (schema or data) changes: the file name carries it. */
import { DEMO_SHOP_VERSION, demoShopPath } from './path.js';
import { processAlive } from '../../../core/process-alive.js';

export { DEMO_SHOP_VERSION };

export const DEMO_SHOP_PROBLEMS: readonly { kind: string; detail: string }[] = Object.freeze([
  {
    kind: 'unindexed_foreign_key',
    detail:
      'order_items.product_id REFERENCES products(id) has no index (order_items.order_id is indexed): ' +
      'lookups by product plan as SCAN order_items, and deleting or re-keying a product scans order_items.',
  },
  {
    kind: 'duplicate_index',
    detail: 'idx_orders_customer and idx_orders_customer_id both index orders(customer_id); drop one.',
  },
  {
    kind: 'missing_composite_index',
    detail:
      'events has an index on kind only; SELECT * FROM events WHERE customer_id = ? AND created_at >= ? ' +
      'AND created_at < ? ORDER BY created_at DESC plans as SCAN events + USE TEMP B-TREE FOR ORDER BY; ' +
      'it wants an index on events(customer_id, created_at).',
  },
  {
    kind: 'unindexed_foreign_key',
    detail: 'events.customer_id REFERENCES customers(id) has no index (the root of the missing composite index above).',
  },
]);

export function ensureDemoShop(stateDir: string): string {
  const file = demoShopPath(path.resolve(stateDir));
  const dir = path.dirname(file);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeStaleTemps(dir);
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  fs.rmSync(tmp, { force: true });
  try {
    buildShop(tmp);
    fsyncPath(tmp, 'r+');
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (fs.existsSync(file)) return file; // another process won the race with identical content
    throw err;
  }
  try {
    fsyncPath(dir, 'r'); // persist the rename; not possible on every platform
  } catch {
    /* best effort */
  }
  return file;
}

// ---------------------------------------------------------------------------------------------
// Files

/** Removes temp files left by crashed builders (their pid no longer runs). */
function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^shop-v\d+\.db\.(\d+)\.\d+\.tmp$/.exec(name);
    if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function fsyncPath(p: string, flags: 'r' | 'r+'): void {
  const fd = fs.openSync(p, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and time

const SEED = 0x5eed_5409;
const EPOCH_MS = Date.UTC(2025, 0, 1);
const DAY = 86_400;
const END = 365 * DAY; // seconds after the epoch at which the data set "is taken"

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return at(xs, Math.floor(this.next() * xs.length));
  }
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    let r = this.next() * table.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of table) {
      if ((r -= w) < 0) return value;
    }
    return at(table, table.length - 1)[0];
  }
}

function at<T>(xs: readonly T[], i: number): T {
  const v = xs[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range 0..${xs.length - 1}`);
  return v;
}

/** Index sampler over non-negative weights (cumulative sums + binary search). */
function sampler(rng: Rng, weights: readonly number[]): () => number {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) cum.push((total += w));
  return () => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(cum, mid) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Seconds after the epoch -> ISO-8601 UTC without milliseconds. */
function iso(sec: number): string {
  return new Date(EPOCH_MS + sec * 1000).toISOString().slice(0, 19) + 'Z';
}

// ---------------------------------------------------------------------------------------------
// Build

const SCHEMA = `
CREATE TABLE customers (
  id         INTEGER PRIMARY KEY,
  email      TEXT    NOT NULL UNIQUE,
  full_name  TEXT    NOT NULL,
  phone      TEXT,
  country    TEXT    NOT NULL CHECK (length(country) = 2),
  created_at TEXT    NOT NULL
);
CREATE TABLE products (
  id          INTEGER PRIMARY KEY,
  sku         TEXT    NOT NULL UNIQUE,
  name        TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents > 0),
  stock       INTEGER NOT NULL CHECK (stock >= 0),
  created_at  TEXT    NOT NULL
);
CREATE TABLE orders (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  status      TEXT    NOT NULL
              CHECK (status IN ('pending','paid','shipped','delivered','cancelled','refunded')),
  total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
  created_at  TEXT    NOT NULL
);
CREATE TABLE order_items (
  id               INTEGER PRIMARY KEY,
  order_id         INTEGER NOT NULL REFERENCES orders(id),
  product_id       INTEGER NOT NULL REFERENCES products(id),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0)
);
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(id),
  kind        TEXT    NOT NULL,
  payload     TEXT    NOT NULL,
  created_at  TEXT    NOT NULL
);`;

// Created after the data is loaded (faster). Planted: idx_orders_customer_id duplicates
// idx_orders_customer; nothing on order_items.product_id; nothing on events.customer_id.
const INDEXES = `
CREATE INDEX idx_products_category ON products(category);
CREATE INDEX idx_orders_customer ON orders(customer_id);
CREATE INDEX idx_orders_customer_id ON orders(customer_id);
CREATE INDEX idx_orders_status ON orders(status);
CREATE INDEX idx_orders_created_at ON orders(created_at);
CREATE INDEX idx_order_items_order ON order_items(order_id);
CREATE INDEX idx_events_kind ON events(kind);
`;

interface Customer {
  readonly id: number;
  readonly since: number; // seconds after the epoch
  readonly activity: number; // relative propensity to browse and buy
  readonly buyer: boolean;
}

interface Product {
  readonly id: number;
  readonly priceCents: number;
  readonly popularity: number;
}

function buildShop(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(SCHEMA);
    db.transaction(() => {
      const customers = insertCustomers(db, new Rng(SEED ^ 1));
      const products = insertProducts(db, new Rng(SEED ^ 2));
      insertOrders(db, new Rng(SEED ^ 3), customers, products);
      insertEvents(db, new Rng(SEED ^ 4), customers, products);
    })();
    db.exec(INDEXES);
    db.exec('ANALYZE');
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Tables

const FIRST_NAMES = [
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'James',
  'Isabella',
  'Lucas',
  'Mia',
  'Mateo',
  'Charlotte',
  'Leo',
  'Amelia',
  'Hugo',
  'Harper',
  'Oscar',
  'Ella',
  'Arthur',
  'Chloe',
  'Felix',
  'Zoe',
  'Jonas',
  'Lea',
  'Luca',
  'Sofia',
  'Emil',
  'Alice',
  'Theo',
  'Nora',
  'Finn',
  'Hannah',
  'Louis',
  'Clara',
  'Adam',
  'Ines',
  'Gabriel',
  'Julia',
  'Samuel',
  'Yuki',
  'Haruto',
  'Ana',
  'Pedro',
  'Maria',
  'Diego',
  'Freya',
  'Erik',
  'Priya',
  'Arjun',
] as const;

const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Martin',
  'Lopez',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Jackson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Hill',
  'Muller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Bernard',
  'Dubois',
  'Moreau',
  'Laurent',
  'Rossi',
  'Russo',
  'Ferrari',
  'Jansen',
  'DeVries',
  'Bakker',
  'Johansson',
  'Larsson',
  'Tanaka',
  'Sato',
  'Silva',
  'Santos',
  'Fernandez',
  'Novak',
  'Kowalski',
  'Nielsen',
  'Hansen',
  'Murphy',
  'Kelly',
  'Patel',
  'Singh',
] as const;

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'] as const;

/** [country, weight, calling code] */
const COUNTRIES: readonly (readonly [string, number, string])[] = [
  ['US', 34, '1'],
  ['GB', 12, '44'],
  ['DE', 11, '49'],
  ['FR', 8, '33'],
  ['CA', 7, '1'],
  ['NL', 5, '31'],
  ['ES', 4, '34'],
  ['IT', 4, '39'],
  ['AU', 4, '61'],
  ['SE', 3, '46'],
  ['IE', 2, '353'],
  ['JP', 2, '81'],
  ['BR', 2, '55'],
  ['PL', 1, '48'],
  ['IN', 1, '91'],
];

function insertCustomers(db: Database.Database, rng: Rng): Customer[] {
  const count = 5_000;
  const insert = db.prepare(
    'INSERT INTO customers (id, email, full_name, phone, country, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const since = sortedTimes(rng, count, 0, 330 * DAY);
  const emails = new Set<string>();
  const countryTable = COUNTRIES.map(([c, w]) => [c, w] as const);
  const callingCode = new Map(COUNTRIES.map(([c, , cc]) => [c, cc]));
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const country = rng.weighted(countryTable);
    const phone = rng.chance(0.22)
      ? null
      : `+${callingCode.get(country)} ${rng.int(200, 999)} ${rng.int(1_000_000, 9_999_999)}`;
    const email = uniqueEmail(rng, emails, first, last);
    const t = at(since, i);
    insert.run(id, email, `${first} ${last}`, phone, country, iso(t));
    const a = rng.next();
    customers.push({ id, since: t, activity: 0.2 + 6 * a * a * a, buyer: rng.chance(0.85) });
  }
  return customers;
}

function uniqueEmail(rng: Rng, taken: Set<string>, first: string, last: string): string {
  const domain = rng.pick(EMAIL_DOMAINS);
  const local = rng.chance(0.7) ? `${first}.${last}` : `${first[0] ?? ''}${last}`;
  let email = `${local}@${domain}`.toLowerCase();
  while (taken.has(email)) email = `${local}${rng.int(1, 999)}@${domain}`.toLowerCase();
  taken.add(email);
  return email;
}

/** [category, sku prefix, min price cents, max price cents, nouns] */
const CATEGORIES: readonly (readonly [string, string, number, number, readonly string[]])[] = [
  [
    'Electronics',
    'ELC',
    1_999,
    129_999,
    ['Headphones', 'Speaker', 'Charger', 'Monitor', 'Keyboard', 'Mouse', 'Webcam', 'Tablet', 'Smartwatch', 'Router'],
  ],
  [
    'Books',
    'BOK',
    799,
    4_999,
    ['Cookbook', 'Novel', 'Field Guide', 'Atlas', 'Biography', 'Workbook', 'Anthology', 'Handbook'],
  ],
  [
    'Home & Kitchen',
    'HOM',
    999,
    29_999,
    ['Kettle', 'Skillet', 'Knife Set', 'Blender', 'Toaster', 'Mug Set', 'Cutting Board', 'Lamp', 'Throw Blanket'],
  ],
  [
    'Clothing',
    'CLO',
    1_299,
    14_999,
    ['T-Shirt', 'Hoodie', 'Jacket', 'Jeans', 'Sneakers', 'Scarf', 'Beanie', 'Socks', 'Raincoat'],
  ],
  [
    'Sports & Outdoors',
    'SPO',
    999,
    49_999,
    ['Yoga Mat', 'Tent', 'Backpack', 'Water Bottle', 'Bike Helmet', 'Dumbbell Set', 'Running Belt', 'Sleeping Bag'],
  ],
  [
    'Toys & Games',
    'TOY',
    699,
    9_999,
    ['Puzzle', 'Board Game', 'Building Set', 'Plush Bear', 'Card Game', 'Kite', 'Train Set'],
  ],
  ['Beauty', 'BTY', 499, 7_999, ['Face Cream', 'Shampoo', 'Lip Balm', 'Perfume', 'Sunscreen', 'Hand Soap', 'Serum']],
  [
    'Garden',
    'GRD',
    899,
    39_999,
    ['Hose', 'Planter', 'Pruning Shears', 'Bird Feeder', 'Seed Kit', 'Watering Can', 'Lawn Chair'],
  ],
];

const BRANDS = [
  'Northwind',
  'Acme',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Proseware',
  'Wingtip',
  'Lucerne',
  'Alpine',
] as const;
const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Eco',
  'Essential',
  'Pro',
  'Ultra',
  'Everyday',
  'Premium',
  'Mini',
  'Max',
  'Travel',
] as const;

function insertProducts(db: Database.Database, rng: Rng): Product[] {
  const count = 500;
  const insert = db.prepare(
    'INSERT INTO products (id, sku, name, category, price_cents, stock, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const created = sortedTimes(rng, count, -90 * DAY, -DAY); // catalogue built before the shop opened
  const products: Product[] = [];
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const [category, prefix, min, max, nouns] = rng.pick(CATEGORIES);
    const r = rng.next();
    const priceCents = Math.floor((min + r * r * (max - min)) / 100) * 100 + 99;
    const stock = rng.chance(0.07) ? 0 : rng.int(1, 20) * rng.int(1, 25);
    const name = `${rng.pick(BRANDS)} ${rng.pick(ADJECTIVES)} ${rng.pick(nouns)}`;
    insert.run(id, `${prefix}-${String(id).padStart(5, '0')}`, name, category, priceCents, stock, iso(at(created, i)));
    const p = rng.next();
    products.push({ id, priceCents, popularity: 0.05 + p * p * p * p });
  }
  return products;
}

const ITEMS_PER_ORDER: readonly (readonly [number, number])[] = [
  [1, 30],
  [2, 25],
  [3, 20],
  [4, 15],
  [5, 10],
];
const QUANTITY: readonly (readonly [number, number])[] = [
  [1, 75],
  [2, 18],
  [3, 5],
  [4, 1],
  [5, 1],
];

interface OrderDraft {
  readonly customerId: number;
  readonly at: number;
}

function insertOrders(
  db: Database.Database,
  rng: Rng,
  customers: readonly Customer[],
  products: readonly Product[],
): void {
  const count = 20_000;
  const insertOrder = db.prepare(
    'INSERT INTO orders (id, customer_id, status, total_cents, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertItem = db.prepare(
    'INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)',
  );
  const nextCustomer = sampler(
    rng,
    customers.map((c) => (c.buyer ? c.activity * (1 - c.since / END) : 0)),
  );
  const nextProduct = sampler(
    rng,
    products.map((p) => p.popularity),
  );
  const drafts: OrderDraft[] = [];
  for (let i = 0; i < count; i++) {
    const c = at(customers, nextCustomer());
    drafts.push({ customerId: c.id, at: c.since + Math.floor(rng.next() * (END - c.since)) });
  }
  drafts.sort((a, b) => a.at - b.at || a.customerId - b.customerId);
  drafts.forEach((d, i) => {
    const orderId = i + 1;
    const items = orderItems(rng, nextProduct, products);
    const total = items.reduce((sum, [, qty, unit]) => sum + qty * unit, 0);
    insertOrder.run(orderId, d.customerId, orderStatus(rng, END - d.at), total, iso(d.at));
    for (const [productId, qty, unit] of items) insertItem.run(orderId, productId, qty, unit);
  });
}

/** Distinct products, each as [product id, quantity, unit price cents]. */
function orderItems(rng: Rng, nextProduct: () => number, products: readonly Product[]): [number, number, number][] {
  const n = rng.weighted(ITEMS_PER_ORDER);
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(nextProduct());
  return [...chosen].map((i) => {
    const p = at(products, i);
    const discount = rng.chance(0.1) ? rng.pick([10, 15, 20]) : 0;
    return [p.id, rng.weighted(QUANTITY), Math.floor((p.priceCents * (100 - discount)) / 100)];
  });
}

/** Status by order age in seconds: recent orders are still in flight, most older ones delivered. */
function orderStatus(rng: Rng, age: number): string {
  if (age < 2 * DAY)
    return rng.weighted([
      ['pending', 40],
      ['paid', 50],
      ['cancelled', 10],
    ]);
  if (age < 7 * DAY)
    return rng.weighted([
      ['paid', 20],
      ['shipped', 70],
      ['cancelled', 10],
    ]);
  return rng.weighted([
    ['delivered', 86],
    ['cancelled', 6],
    ['refunded', 4],
    ['shipped', 2],
    ['pending', 2],
  ]);
}

const PAGES = [
  '/',
  '/cart',
  '/account',
  '/deals',
  '/help',
  '/category/electronics',
  '/category/books',
  '/category/home-kitchen',
  '/category/clothing',
] as const;
const SIGNED_IN_KINDS: readonly (readonly [string, number])[] = [
  ['page_view', 58],
  ['login', 12],
  ['add_to_cart', 15],
  ['search', 9],
  ['checkout', 6],
];
const ANONYMOUS_KINDS: readonly (readonly [string, number])[] = [
  ['page_view', 80],
  ['search', 14],
  ['add_to_cart', 6],
];

interface EventDraft {
  readonly customerId: number | null;
  readonly at: number;
}

function insertEvents(
  db: Database.Database,
  rng: Rng,
  customers: readonly Customer[],
  products: readonly Product[],
): void {
  const count = 40_000;
  const insert = db.prepare('INSERT INTO events (id, customer_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  const nextCustomer = sampler(
    rng,
    customers.map((c) => (c.activity + 0.5) * (1 - c.since / END)),
  );
  const drafts: EventDraft[] = [];
  for (let i = 0; i < count; i++) {
    if (rng.chance(0.3)) {
      drafts.push({ customerId: null, at: rng.int(0, END - 1) });
    } else {
      const c = at(customers, nextCustomer());
      drafts.push({ customerId: c.id, at: c.since + Math.floor(rng.next() * (END - c.since)) });
    }
  }
  drafts.sort((a, b) => a.at - b.at || (a.customerId ?? 0) - (b.customerId ?? 0));
  drafts.forEach((d, i) => {
    const kind = rng.weighted(d.customerId === null ? ANONYMOUS_KINDS : SIGNED_IN_KINDS);
    insert.run(i + 1, d.customerId, kind, JSON.stringify(eventPayload(rng, kind, products)), iso(d.at));
  });
}

function eventPayload(rng: Rng, kind: string, products: readonly Product[]): Record<string, unknown> {
  switch (kind) {
    case 'page_view':
      return rng.chance(0.6) ? { path: `/products/${rng.pick(products).id}` } : { path: rng.pick(PAGES) };
    case 'search':
      return { q: rng.pick(rng.pick(CATEGORIES)[4]).toLowerCase(), results: rng.int(0, 60) };
    case 'add_to_cart':
      return { product_id: rng.pick(products).id, qty: rng.weighted(QUANTITY) };
    case 'checkout':
      return { items: rng.int(1, 5), cart_cents: rng.int(999, 60_000) };
    default:
      return {
        method: rng.weighted([
          ['password', 60],
          ['google', 25],
          ['magic_link', 15],
        ]),
        ok: rng.chance(0.95),
      };
  }
}

/** n sorted integer timestamps (seconds after the epoch) uniform in [from, to). */
function sortedTimes(rng: Rng, n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, () => from + Math.floor(rng.next() * (to - from))).sort((a, b) => a - b);
}
