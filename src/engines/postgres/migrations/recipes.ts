/**
 * The safe PostgreSQL recipes the planner rewrites to (squawk, strong_migrations): NOT VALID then
 * VALIDATE in another transaction; a CHECK (col IS NOT NULL) validated before SET NOT NULL; a
 * unique index built CONCURRENTLY then attached with USING INDEX; a batched backfill.
 */
import type { StepDraft } from '../../contract/migrations.js';
import { quoteIdent } from './text.js';

export const step = (
  body: string,
  purpose: string,
  rollback: string | null,
  extra: Partial<StepDraft> = {},
): StepDraft => ({
  body: [body],
  transactional: true,
  rollback,
  purpose,
  ...extra,
});

/** Identifiers PostgreSQL would generate are at most 63 bytes. */
export const autoName = (...parts: string[]) =>
  parts
    .join('_')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .slice(0, 63);

export function notValidThenValidate(head: string, conname: string, definition: string, what: string): StepDraft[] {
  const c = quoteIdent(conname);
  return [
    step(
      `${head} ADD CONSTRAINT ${c} ${definition} NOT VALID`,
      `expand: add the ${what} NOT VALID (brief lock, no scan)`,
      `${head} DROP CONSTRAINT IF EXISTS ${c}`,
    ),
    step(
      `${head} VALIDATE CONSTRAINT ${c}`,
      `validate the ${what} in its own transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on)`,
      null,
      { long_running: true },
    ),
  ];
}

/** CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (no scan on PG12+), drop the CHECK. */
export function checkedSetNotNull(head: string, table: string, column: string): StepDraft[] {
  const check = autoName(table, column, 'not_null');
  const col = quoteIdent(column);
  return [
    ...notValidThenValidate(head, check, `CHECK (${col} IS NOT NULL)`, `CHECK (${column} IS NOT NULL)`),
    step(
      `${head} ALTER COLUMN ${col} SET NOT NULL`,
      'SET NOT NULL: the validated CHECK proves it, so there is no scan (PG12+)',
      `${head} ALTER COLUMN ${col} DROP NOT NULL`,
    ),
    step(
      `${head} DROP CONSTRAINT ${quoteIdent(check)}`,
      'contract: drop the helper CHECK',
      `${head} ADD CONSTRAINT ${quoteIdent(check)} CHECK (${col} IS NOT NULL) NOT VALID`,
    ),
  ];
}

export function uniqueIndexThenConstraint(
  head: string,
  writtenTable: string,
  indexSchema: string | undefined,
  conname: string,
  columns: string[],
  kind: 'UNIQUE' | 'PRIMARY KEY',
): StepDraft[] {
  const idx = quoteIdent(conname);
  const cols = columns.map(quoteIdent).join(', ');
  const qualifiedIdx = indexSchema ? `${quoteIdent(indexSchema)}.${idx}` : idx;
  const build = `CREATE UNIQUE INDEX ${idx} ON ${writtenTable} (${cols})`;
  return [
    step(
      `CREATE UNIQUE INDEX CONCURRENTLY ${idx} ON ${writtenTable} (${cols})`,
      'build the unique index CONCURRENTLY (reads and writes go on)',
      `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIdx}`,
      {
        transactional: false,
        dry_run_body: [build],
        long_running: true,
      },
    ),
    step(
      `${head} ADD CONSTRAINT ${idx} ${kind} USING INDEX ${idx}`,
      `attach it as the ${kind} constraint (brief lock)`,
      `${head} DROP CONSTRAINT IF EXISTS ${idx}`,
    ),
  ];
}

/** Updates rows in batches of 10,000, committing after each, until none is left (PG11+ DO with COMMIT; outside a transaction block). */
export function batchedBackfill(writtenTable: string, column: string, expr: string): StepDraft {
  const col = quoteIdent(column);
  const body = [
    'DO $backfill$',
    'DECLARE n bigint;',
    'BEGIN',
    '  LOOP',
    `    UPDATE ${writtenTable} SET ${col} = ${expr} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${writtenTable} WHERE ${col} IS NULL LIMIT 10000));`,
    '    GET DIAGNOSTICS n = ROW_COUNT;',
    '    EXIT WHEN n = 0;',
    '    COMMIT;',
    '  END LOOP;',
    'END',
    '$backfill$',
  ].join('\n');
  return step(
    body,
    'backfill in batches of 10,000 rows, one commit each (short row locks, no long transaction)',
    null,
    {
      transactional: false,
      dry_run_body: [`UPDATE ${writtenTable} SET ${col} = ${expr} WHERE ${col} IS NULL`],
      long_running: true,
    },
  );
}
