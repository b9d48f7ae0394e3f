/** The shared scenario of the engine-contract suite, in each engine's dialect. */
import type { EngineName } from '../../src/engines/registry.js';

export interface Dialect {
  /** Creates customers, orders (FK, composite and partial indexes), a view, and 30 orders; then analyzes. */
  setup(s: string): string[];
  /** One row of hard values; `expected` is what must come back, exactly. */
  values: string;
  expected: Record<string, unknown>;
  writes(s: string): string[];
  param: (n: number) => string;
}

const orderRows = (s: string) =>
  Array.from(
    { length: 30 },
    (_, i) =>
      `INSERT INTO ${s}.orders (id, customer_id, status, total) VALUES (${i + 1}, ${(i % 3) + 1}, '${i % 5 === 0 ? 'open' : 'done'}', ${i + 1}.25)`,
  );

const customers = (s: string) => [
  `INSERT INTO ${s}.customers (id, email, name) VALUES (1, 'a@example.com', 'Ann'), (2, 'b@example.com', 'Bob'), (3, 'c@example.com', NULL)`,
];

export const DIALECTS: Record<EngineName, Dialect> = {
  postgres: {
    setup: (s) => [
      `CREATE TABLE ${s}.customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name text, created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE ${s}.orders (id integer PRIMARY KEY, customer_id bigint NOT NULL REFERENCES ${s}.customers(id) ON DELETE CASCADE, status text NOT NULL, total numeric(12,2) NOT NULL, note text)`,
      `CREATE INDEX orders_customer_status ON ${s}.orders (customer_id, status)`,
      `CREATE INDEX orders_open ON ${s}.orders (id) INCLUDE (total) WHERE status = 'open'`,
      `CREATE INDEX customers_lower_email ON ${s}.customers (lower(email))`,
      `CREATE VIEW ${s}.open_orders AS SELECT * FROM ${s}.orders WHERE status = 'open'`,
      ...customers(s),
      ...orderRows(s),
      `ANALYZE ${s}.customers`,
      `ANALYZE ${s}.orders`,
    ],
    values: `SELECT 9007199254740993::bigint AS big, 12345678901234567890.125::numeric AS dec, '2025-01-02 03:04:05+00'::timestamptz AS ts, '\\xdeadbeef'::bytea AS bin, NULL::text AS missing, true AS flag, 42 AS small, 1.5::float8 AS f, '{"a": 1}'::jsonb AS doc`,
    expected: {
      big: '9007199254740993',
      dec: '12345678901234567890.125',
      ts: '2025-01-02 03:04:05+00',
      bin: '\\xdeadbeef',
      missing: null,
      flag: true,
      small: 42,
      f: 1.5,
      doc: '{"a": 1}',
    },
    writes: (s) => [
      `INSERT INTO ${s}.customers (id, email) VALUES (99, 'x@example.com')`,
      `DELETE FROM ${s}.orders`,
      `CREATE TABLE ${s}.evil (id int)`,
      `DROP TABLE ${s}.orders`,
      `UPDATE ${s}.orders SET total = 0`,
    ],
    param: (n) => `$${n}`,
  },
  mysql: {
    setup: (s) => [
      `CREATE TABLE ${s}.customers (id bigint PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name varchar(100), created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB`,
      `CREATE TABLE ${s}.orders (id int PRIMARY KEY, customer_id bigint NOT NULL, status varchar(10) NOT NULL, total decimal(12,2) NOT NULL, note text, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES ${s}.customers(id) ON DELETE CASCADE) ENGINE=InnoDB`,
      `CREATE INDEX orders_customer_status ON ${s}.orders (customer_id, status)`,
      `CREATE VIEW ${s}.open_orders AS SELECT * FROM ${s}.orders WHERE status = 'open'`,
      ...customers(s),
      ...orderRows(s),
      `ANALYZE TABLE ${s}.customers, ${s}.orders`,
    ],
    values: `SELECT CAST(9007199254740993 AS UNSIGNED) AS big, CAST('12345678901234567890.125' AS DECIMAL(30,3)) AS \`dec\`, TIMESTAMP '2025-01-02 03:04:05' AS ts, X'DEADBEEF' AS bin, NULL AS missing, 42 AS small, CAST(1.5 AS DOUBLE) AS f`,
    expected: {
      big: '9007199254740993',
      dec: '12345678901234567890.125',
      ts: '2025-01-02 03:04:05',
      bin: '0xdeadbeef',
      missing: null,
      small: 42,
      f: 1.5,
    },
    writes: (s) => [
      `INSERT INTO ${s}.customers (id, email) VALUES (99, 'x@example.com')`,
      `DELETE FROM ${s}.orders`,
      `UPDATE ${s}.orders SET total = 0`,
    ],
    param: () => '?',
  },
  sqlite: {
    setup: (s) => [
      `CREATE TABLE ${s}.customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
      `CREATE TABLE ${s}.orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE, status TEXT NOT NULL, total NUMERIC NOT NULL, note TEXT)`,
      `CREATE INDEX ${s}.orders_customer_status ON orders (customer_id, status)`,
      `CREATE INDEX ${s}.orders_open ON orders (id) WHERE status = 'open'`,
      `CREATE INDEX ${s}.customers_lower_email ON customers (lower(email))`,
      `CREATE VIEW ${s}.open_orders AS SELECT * FROM orders WHERE status = 'open'`,
      ...customers(s),
      ...orderRows(s),
      'ANALYZE',
    ],
    values: `SELECT 9007199254740993 AS big, '12345678901234567890.125' AS dec, '2025-01-02 03:04:05' AS ts, x'deadbeef' AS bin, NULL AS missing, 42 AS small, 1.5 AS f`,
    expected: {
      big: '9007199254740993',
      dec: '12345678901234567890.125',
      ts: '2025-01-02 03:04:05',
      bin: '0xdeadbeef',
      missing: null,
      small: 42,
      f: 1.5,
    },
    writes: (s) => [
      `INSERT INTO ${s}.customers (id, email) VALUES (99, 'x@example.com')`,
      `DELETE FROM ${s}.orders`,
      `CREATE TABLE ${s}.evil (id int)`,
      `DROP TABLE ${s}.orders`,
      `UPDATE ${s}.orders SET total = 0`,
    ],
    param: () => '?',
  },
};
