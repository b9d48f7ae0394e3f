/**
 * ALTER TABLE, one subcommand at a time: lock level, rewrite or scan, hazards, data checks,
 * rollback and the safer steps (RULES.md section 2; squawk, strong_migrations, Atlas PG30x).
 */
import type {
  DataCheck,
  Hazard,
  LockFact,
  StatementAnalysis,
  StepDraft,
  TableWork,
} from '../../contract/migrations.js';
import { blankAnalysis } from '../../contract/migrations.js';
import type { TableRef } from '../../contract/engine.js';
import { binaryCoercible, narrowingViolation, typeFromAst, typeFromCatalog, typeText } from './coerce.js';
import {
  functionsIn,
  keyOf,
  lockOn,
  names,
  qualified,
  resolve,
  stronger,
  written,
  type PgRules,
  type RangeVar,
} from './context.js';
import type { PgColumn, PgTable } from './catalog.js';
import {
  autoName,
  batchedBackfill,
  checkedSetNotNull,
  notValidThenValidate,
  step,
  uniqueIndexThenConstraint,
} from './recipes.js';
import { columnParts, lex, quoteIdent, splitAlter, type PgNode, type PgStatement } from './text.js';

interface Target {
  ref: TableRef;
  table: PgTable | undefined;
  createdHere: boolean;
  head: string;
  written: string;
  q: string;
}

interface CmdResult {
  lock: string;
  work: TableWork;
  hazards: Hazard[];
  checks: DataCheck[];
  rollback: string | null;
  irreversible?: { reason: string; backup: string };
  safer?: StepDraft[];
  notes: string[];
  otherLocks: LockFact[];
  transactional?: boolean;
}

const result = (lock: string, rollback: string | null, extra: Partial<CmdResult> = {}): CmdResult => ({
  lock,
  work: 'none',
  hazards: [],
  checks: [],
  rollback,
  notes: [],
  otherLocks: [],
  ...extra,
});

const hazard = (
  code: string,
  severity: Hazard['severity'],
  message: string,
  safer: string | null,
  sized?: TableRef,
): Hazard => ({ code, severity, message, safer, ...(sized ? { sized } : {}) });

const countCheck = (
  code: string,
  table: TableRef,
  description: string,
  from: string,
  where: string,
  cols = '*',
): DataCheck => ({
  code,
  table,
  description,
  count_sql: `SELECT count(*) AS violations FROM ${from} WHERE ${where}`,
  sample_sql: `SELECT ${cols} FROM ${from} WHERE ${where} LIMIT 5`,
});

function duplicateCheck(code: string, t: Target, columns: string[]): DataCheck {
  const cols = columns.map(quoteIdent).join(', ');
  const notNull = columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const groups = `SELECT ${cols}, count(*) AS copies FROM ${t.q} WHERE ${notNull} GROUP BY ${cols} HAVING count(*) > 1`;
  return {
    code,
    table: t.ref,
    description: `rows sharing a value of (${columns.join(', ')})`,
    count_sql: `SELECT count(*) AS violations FROM (${groups}) d`,
    sample_sql: `${groups} LIMIT 5`,
  };
}

/** The parenthesised expression after CHECK in a constraint's text. */
async function checkExpression(text: string): Promise<string | null> {
  const lexed = await lex(text);
  const i = lexed.tokens.findIndex((t) => t.lower === 'check');
  if (i < 0) return null;
  let depth = 0;
  for (let j = i + 1; j < lexed.tokens.length; j++) {
    const t = lexed.tokens[j]!;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return text.slice(lexed.tokens[i + 1]!.end, t.start).trim();
  }
  return null;
}

function constraintOf(cmd: PgNode): PgNode {
  return ((cmd.def as PgNode | undefined)?.Constraint as PgNode | undefined) ?? {};
}

async function addColumn(cmd: PgNode, text: string, t: Target, rules: PgRules): Promise<CmdResult> {
  const def = ((cmd.def as PgNode).ColumnDef ?? {}) as PgNode;
  const col = String(def.colname);
  const res = result('ACCESS EXCLUSIVE', `${t.head} DROP COLUMN IF EXISTS ${quoteIdent(col)}`);
  if (t.createdHere) return res;
  const cons = ((def.constraints as PgNode[] | undefined) ?? []).map((c) => c.Constraint as PgNode);
  const has = (type: string) => cons.find((c) => c.contype === type);
  const typeLast =
    names((def.typeName as PgNode | undefined)?.names)
      .at(-1)
      ?.toLowerCase() ?? '';
  const serial = /^(small|big)?serial[248]?$/.test(typeLast);
  const dflt = has('CONSTR_DEFAULT');
  const generated = has('CONSTR_GENERATED');
  const identity = has('CONSTR_IDENTITY');
  const notNull = !!has('CONSTR_NOTNULL') || !!has('CONSTR_PRIMARY');
  const volatility = dflt ? await rules.catalog.volatility(functionsIn(dflt.raw_expr)) : 'i';
  const preFastDefault = rules.version < 110000 && !!dflt;
  const parts = columnParts(await lex(text));
  if (serial || identity || generated || volatility === 'v' || preFastDefault) {
    const why = serial
      ? `a ${typeLast} column (nextval() default)`
      : identity
        ? 'an identity column'
        : generated
          ? 'a GENERATED ... STORED column'
          : preFastDefault
            ? 'a default before PostgreSQL 11'
            : `a volatile default (${parts.default})`;
    res.work = 'rewrite';
    res.hazards.push(
      hazard(
        'adding-field-with-default',
        'error',
        `ADD COLUMN ${col} with ${why} rewrites ${keyOf(t.ref)} and all its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite.`,
        generated
          ? 'Add a plain column filled by a trigger (PG18: a VIRTUAL generated column needs no rewrite).'
          : 'Add the column without a default, SET DEFAULT for new rows, backfill existing rows in batches, then SET NOT NULL through a validated CHECK.',
        t.ref,
      ),
    );
    if (volatility === 'v' && dflt && parts.default && !serial && !identity && !generated)
      res.safer = volatileDefaultSteps(t, col, parts.type, parts.default, notNull);
  }
  if (notNull && !dflt && !serial && !identity && !generated) {
    const empty = t.table?.rows === 0;
    res.hazards.push(
      hazard(
        'adding-required-field',
        empty ? 'warning' : 'error',
        `ADD COLUMN ${col} NOT NULL without a default fails on a table that has rows (${keyOf(t.ref)} has ~${t.table?.rows ?? 'unknown'}), and breaks INSERTs of code that does not know the column.`,
        'Add it nullable, or NOT NULL with a constant default (PG11+: no rewrite).',
      ),
    );
    res.checks.push({
      code: 'adding-required-field',
      table: t.ref,
      description: 'existing rows (the column would be NULL in each)',
      count_sql: `SELECT count(*) AS violations FROM (SELECT 1 FROM ${t.q} LIMIT 1000000) r`,
      sample_sql: `SELECT * FROM ${t.q} LIMIT 5`,
    });
  }
  if (has('CONSTR_UNIQUE') || has('CONSTR_PRIMARY')) {
    res.work = res.work === 'rewrite' ? 'rewrite' : 'index-build';
    res.hazards.push(
      hazard(
        'disallowed-unique-constraint',
        'error',
        `ADD COLUMN ${col} with an inline UNIQUE/PRIMARY KEY builds its index under ACCESS EXCLUSIVE.`,
        'Add the column, then CREATE UNIQUE INDEX CONCURRENTLY and ADD CONSTRAINT ... USING INDEX.',
        t.ref,
      ),
    );
  }
  const fk = has('CONSTR_FOREIGN');
  if (fk) {
    const pk = fk.pktable as RangeVar;
    res.otherLocks.push(lockOn('SHARE ROW EXCLUSIVE', pk.relname));
    if (dflt) {
      res.work = res.work === 'none' ? 'scan' : res.work;
      res.hazards.push(
        hazard(
          'adding-foreign-key-constraint',
          'warning',
          `ADD COLUMN ${col} with a default and REFERENCES checks every row against ${pk.relname} while writes to both tables are blocked.`,
          'Add the column, then ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID and VALIDATE CONSTRAINT in another transaction.',
          t.ref,
        ),
      );
    }
  }
  if (typeLast === 'json')
    res.hazards.push(
      hazard(
        'add-column-json',
        'info',
        `${col} is json, which has no equality operator (SELECT DISTINCT, UNION fail).`,
        'Use jsonb.',
      ),
    );
  return res;
}

function volatileDefaultSteps(t: Target, col: string, type: string, expr: string, notNull: boolean): StepDraft[] {
  const c = quoteIdent(col);
  const steps = [
    step(
      `${t.head} ADD COLUMN ${c} ${type}`,
      'expand: add the column without a default (brief lock, no rewrite)',
      `${t.head} DROP COLUMN IF EXISTS ${c}`,
    ),
    step(
      `${t.head} ALTER COLUMN ${c} SET DEFAULT ${expr}`,
      'new rows get the default from now on (brief lock)',
      `${t.head} ALTER COLUMN ${c} DROP DEFAULT`,
    ),
    batchedBackfill(t.written, col, expr),
  ];
  return notNull ? [...steps, ...checkedSetNotNull(t.head, t.ref.name, col)] : steps;
}

function dropColumn(cmd: PgNode, t: Target, viewsUsing: string[]): CmdResult {
  const col = String(cmd.name);
  if (t.createdHere) return result('ACCESS EXCLUSIVE', null);
  const res = result('ACCESS EXCLUSIVE', null, {
    irreversible: {
      reason: `the data of ${keyOf(t.ref)}.${col} is gone once committed`,
      backup: `CREATE TABLE ${quoteIdent(autoName(t.ref.name, col, 'backup'))} AS SELECT * FROM ${t.q}; or pg_dump --table=${keyOf(t.ref)}`,
    },
  });
  res.hazards.push(
    hazard(
      'ban-drop-column',
      'error',
      `DROP COLUMN ${col} loses its data and breaks any running code that still reads or writes it.`,
      'Stop using the column in the application first (ignore it in the ORM), deploy, back it up, then drop it.',
    ),
  );
  if (viewsUsing.length && cmd.behavior !== 'DROP_CASCADE')
    res.hazards.push(
      hazard(
        'drop-column-dependent-view',
        'error',
        `DROP COLUMN ${col} fails: used by ${viewsUsing.join(', ')}.`,
        'Drop or recreate those views without the column first, in the same transaction.',
      ),
    );
  return res;
}

async function alterType(cmd: PgNode, text: string, t: Target, rules: PgRules): Promise<CmdResult> {
  const col = String(cmd.name);
  const def = ((cmd.def as PgNode).ColumnDef ?? {}) as PgNode;
  const to = typeFromAst(def.typeName as PgNode);
  const current = t.table?.columns.get(col);
  const res = result(
    'ACCESS EXCLUSIVE',
    current ? `${t.head} ALTER COLUMN ${quoteIdent(col)} TYPE ${current.type}` : null,
  );
  if (t.createdHere) return res;
  const views = t.table ? await rules.catalog.viewsOnColumn(t.q, col) : [];
  if (views.length)
    res.hazards.push(
      hazard(
        'column-type-dependent-view',
        'error',
        `ALTER COLUMN ${col} TYPE fails: the column is used by ${views.join(', ')} ("cannot alter type of a column used by a view or rule").`,
        'Drop the dependent views and recreate them after the change, in the same transaction, or avoid the type change.',
      ),
    );
  if (!current) {
    res.notes.push(`column ${col} not found in ${keyOf(t.ref)}: cannot tell whether the type change rewrites`);
    return res;
  }
  const from = typeFromCatalog(current.type);
  const using = !!def.raw_default || /\busing\b/i.test(text);
  if (!using && binaryCoercible(from, to, rules.timeZone)) {
    res.notes.push(`${current.type} -> ${typeText(to)} is binary-coercible: catalog-only, no rewrite, indexes kept`);
    return res;
  }
  res.work = 'rewrite';
  res.hazards.push(
    hazard(
      'changing-column-type',
      'error',
      `ALTER COLUMN ${col} TYPE ${typeText(to)} (from ${current.type}) rewrites ${keyOf(t.ref)} and rebuilds all its indexes under ACCESS EXCLUSIVE: reads and writes wait; clients reading the column may break.`,
      'Expand/contract: add a new column of the new type, keep it in sync with a trigger, backfill in batches, switch reads, then drop the old column (or swap names in one short transaction).',
      t.ref,
    ),
  );
  const violation = narrowingViolation(from, to, quoteIdent(col));
  if (violation)
    res.checks.push(
      countCheck(
        'changing-column-type',
        t.ref,
        `values of ${col} that ${typeText(to)} cannot hold`,
        t.q,
        `${quoteIdent(col)} IS NOT NULL AND ${violation}`,
        quoteIdent(col),
      ),
    );
  return res;
}

function notNullProven(t: Target, col: string, rules: PgRules): boolean {
  if (rules.version < 120000) return false;
  if (t.table?.checkedNotNull.has(col)) return true;
  return [...rules.notNullChecks.values()].some((c) => c.validated && c.table === keyOf(t.ref) && c.column === col);
}

function setNotNull(cmd: PgNode, t: Target, rules: PgRules): CmdResult {
  const col = String(cmd.name);
  const res = result('ACCESS EXCLUSIVE', `${t.head} ALTER COLUMN ${quoteIdent(col)} DROP NOT NULL`);
  if (t.createdHere || t.table?.columns.get(col)?.notnull) return res;
  res.checks.push(
    countCheck('adding-not-nullable-field', t.ref, `rows where ${col} IS NULL`, t.q, `${quoteIdent(col)} IS NULL`),
  );
  if (notNullProven(t, col, rules)) {
    res.notes.push(`a validated CHECK (${col} IS NOT NULL) proves it: no scan (PG12+)`);
    return res;
  }
  res.work = 'scan';
  res.hazards.push(
    hazard(
      'adding-not-nullable-field',
      'error',
      `SET NOT NULL on ${col} scans all of ${keyOf(t.ref)} under ACCESS EXCLUSIVE: reads and writes wait for the scan.`,
      'ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in another transaction, then SET NOT NULL (PG12+ skips the scan), then drop the CHECK.',
      t.ref,
    ),
  );
  if (rules.version >= 120000) res.safer = checkedSetNotNull(t.head, t.ref.name, col);
  return res;
}

function isNotNullCheck(con: PgNode): string | null {
  const nt = (con.raw_expr as PgNode | undefined)?.NullTest as PgNode | undefined;
  if (!nt || nt.nulltesttype !== 'IS_NOT_NULL') return null;
  const fields = ((nt.arg as PgNode | undefined)?.ColumnRef as PgNode | undefined)?.fields;
  return names(fields).at(-1) || null;
}

async function addCheck(con: PgNode, text: string, t: Target, rules: PgRules): Promise<CmdResult> {
  const name = (con.conname as string | undefined) ?? autoName(t.ref.name, 'check');
  const res = result('ACCESS EXCLUSIVE', `${t.head} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`);
  const nnColumn = isNotNullCheck(con);
  if (nnColumn)
    rules.notNullChecks.set(name, {
      table: keyOf(t.ref),
      column: nnColumn,
      validated: !con.skip_validation || t.createdHere,
    });
  if (t.createdHere) return res;
  const expr = await checkExpression(text);
  if (expr)
    res.checks.push(
      countCheck('constraint-missing-not-valid', t.ref, `rows that break CHECK (${expr})`, t.q, `NOT (${expr})`),
    );
  if (con.skip_validation) {
    if (rules.inTransaction) rules.notValidInTransaction.add(name);
    return res;
  }
  res.work = 'scan';
  res.hazards.push(
    hazard(
      'constraint-missing-not-valid',
      'error',
      `ADD CONSTRAINT ${name} CHECK scans all of ${keyOf(t.ref)} under ACCESS EXCLUSIVE: reads and writes wait.`,
      'Add it NOT VALID (no scan), then VALIDATE CONSTRAINT in another transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on).',
      t.ref,
    ),
  );
  if (expr) res.safer = notValidThenValidate(t.head, name, `CHECK (${expr})`, `CHECK ${name}`);
  return res;
}

async function addForeignKey(con: PgNode, text: string, t: Target, rules: PgRules): Promise<CmdResult> {
  const pkRv = con.pktable as RangeVar;
  const pk = await resolve(pkRv, rules);
  const fkCols = names(con.fk_attrs);
  const pkCols = names(con.pk_attrs);
  const name = (con.conname as string | undefined) ?? autoName(t.ref.name, ...fkCols, 'fkey');
  const res = result('SHARE ROW EXCLUSIVE', `${t.head} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`, {
    otherLocks: [lockOn('SHARE ROW EXCLUSIVE', keyOf(pk.ref))],
  });
  if (t.createdHere) return res;
  if (pkCols.length === fkCols.length && fkCols.length) {
    const joins = fkCols.map((c, i) => `p.${quoteIdent(pkCols[i]!)} = c.${quoteIdent(c)}`).join(' AND ');
    const present = fkCols.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
    res.checks.push(
      countCheck(
        'adding-foreign-key-constraint',
        t.ref,
        `rows of ${t.ref.name} whose (${fkCols.join(', ')}) has no match in ${pk.ref.name}`,
        `${t.q} c`,
        `${present} AND NOT EXISTS (SELECT 1 FROM ${qualified(pk.ref)} p WHERE ${joins})`,
        fkCols.map((c) => `c.${quoteIdent(c)}`).join(', '),
      ),
    );
  }
  if (con.skip_validation) {
    if (rules.inTransaction) rules.notValidInTransaction.add(name);
    return res;
  }
  res.work = 'scan';
  res.hazards.push(
    hazard(
      'adding-foreign-key-constraint',
      'error',
      `ADD FOREIGN KEY ${name} checks every row of ${keyOf(t.ref)} against ${keyOf(pk.ref)} under SHARE ROW EXCLUSIVE on both: writes to both tables wait for the scan.`,
      'Add it NOT VALID (brief lock, no scan), then VALIDATE CONSTRAINT in another transaction (reads and writes go on).',
      t.ref,
    ),
  );
  const lexed = await lex(text);
  const fkAt = lexed.tokens.findIndex((tk) => tk.lower === 'foreign');
  if (fkAt >= 0)
    res.safer = notValidThenValidate(
      t.head,
      name,
      text.slice(lexed.tokens[fkAt]!.start).replace(/\s+not\s+valid\s*$/i, ''),
      `foreign key ${name}`,
    );
  return res;
}

async function addUnique(con: PgNode, t: Target, rules: PgRules): Promise<CmdResult> {
  const primary = con.contype === 'CONSTR_PRIMARY';
  const cols = con.indexname
    ? await rules.catalog.indexColumns(t.table?.schema, String(con.indexname))
    : names(con.keys);
  const name =
    (con.conname as string | undefined) ??
    (primary ? autoName(t.ref.name, 'pkey') : autoName(t.ref.name, ...cols, 'key'));
  const res = result('ACCESS EXCLUSIVE', `${t.head} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`);
  if (t.createdHere) return res;
  const code = primary ? 'adding-serial-primary-key-field' : 'disallowed-unique-constraint';
  if (cols.length && !con.indexname) res.checks.push(duplicateCheck(code, t, cols));
  const nullable = cols.filter((c) => primary && !t.table?.columns.get(c)?.notnull && !notNullProven(t, c, rules));
  for (const c of nullable)
    res.checks.push(
      countCheck(code, t.ref, `rows where ${c} IS NULL (a primary key column)`, t.q, `${quoteIdent(c)} IS NULL`),
    );
  if (con.indexname) {
    if (nullable.length) {
      res.work = 'scan';
      res.hazards.push(
        hazard(
          'adding-not-nullable-field',
          'error',
          `PRIMARY KEY USING INDEX on nullable ${nullable.join(', ')} implies SET NOT NULL: a scan under ACCESS EXCLUSIVE.`,
          'Prove NOT NULL first with a validated CHECK (col IS NOT NULL).',
          t.ref,
        ),
      );
    }
    return res;
  }
  res.work = 'index-build';
  res.hazards.push(
    hazard(
      code,
      'error',
      `ADD ${primary ? 'PRIMARY KEY' : 'UNIQUE'} ${name} builds its unique index under ACCESS EXCLUSIVE: reads and writes to ${keyOf(t.ref)} wait for the whole build.`,
      'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX (a brief lock).',
      t.ref,
    ),
  );
  if (cols.length && !con.including) {
    const pre = nullable.flatMap((c) => checkedSetNotNull(t.head, t.ref.name, c).slice(0, 3));
    res.safer = [
      ...pre,
      ...uniqueIndexThenConstraint(
        t.head,
        t.written,
        t.ref.schema === t.table?.schema ? t.table?.schema : undefined,
        name,
        cols,
        primary ? 'PRIMARY KEY' : 'UNIQUE',
      ),
    ];
  }
  return res;
}

async function addConstraint(cmd: PgNode, text: string, t: Target, rules: PgRules): Promise<CmdResult> {
  const con = constraintOf(cmd);
  switch (con.contype) {
    case 'CONSTR_CHECK':
      return addCheck(con, text, t, rules);
    case 'CONSTR_FOREIGN':
      return addForeignKey(con, text, t, rules);
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      return addUnique(con, t, rules);
    case 'CONSTR_EXCLUSION': {
      const res = result(
        'ACCESS EXCLUSIVE',
        con.conname ? `${t.head} DROP CONSTRAINT IF EXISTS ${quoteIdent(String(con.conname))}` : null,
      );
      if (t.createdHere) return res;
      res.work = 'index-build';
      res.hazards.push(
        hazard(
          'add-exclusion-constraint',
          'error',
          `ADD EXCLUDE builds its index and checks every row under ACCESS EXCLUSIVE; there is no NOT VALID for it.`,
          'Schedule it in a maintenance window; there is no online way.',
          t.ref,
        ),
      );
      return res;
    }
    default:
      return result('ACCESS EXCLUSIVE', null, { notes: [`constraint ${String(con.contype)}: no rule`] });
  }
}

function validateConstraint(cmd: PgNode, t: Target, rules: PgRules): CmdResult {
  const name = String(cmd.name);
  const res = result('SHARE UPDATE EXCLUSIVE', null, { work: 'scan' });
  const nn = rules.notNullChecks.get(name);
  if (nn) nn.validated = true;
  if (rules.inTransaction && rules.notValidInTransaction.has(name)) {
    res.hazards.push(
      hazard(
        'constraint-missing-not-valid',
        'warning',
        `VALIDATE CONSTRAINT ${name} runs in the same transaction that added it NOT VALID: the ADD's lock is held during the whole scan, so NOT VALID gains nothing.`,
        'COMMIT after the NOT VALID add and validate in its own transaction.',
        t.ref,
      ),
    );
  }
  return res;
}

/** DROP COLUMN / DROP CONSTRAINT ... CASCADE on an existing table also drops what depends on it (views, other tables' foreign keys). */
function withCascade(cmd: PgNode, t: Target, res: CmdResult): CmdResult {
  if (cmd.behavior === 'DROP_CASCADE' && !t.createdHere) {
    res.hazards.push(
      hazard(
        'drop-cascade',
        'warning',
        `DROP ${cmd.subtype === 'AT_DropColumn' ? 'COLUMN' : 'CONSTRAINT'} ${String(cmd.name)} CASCADE also drops every object that depends on it (views, foreign keys of other tables that reference it), silently.`,
        'Drop the dependents explicitly first, so the migration says what goes; then drop without CASCADE.',
      ),
    );
  }
  return res;
}

async function dropConstraint(cmd: PgNode, t: Target, rules: PgRules): Promise<CmdResult> {
  const name = String(cmd.name);
  const def = t.table ? await rules.catalog.constraintDef(t.q, name) : undefined;
  const res = result('ACCESS EXCLUSIVE', def ? `${t.head} ADD CONSTRAINT ${quoteIdent(name)} ${def}` : null);
  if (def?.startsWith('FOREIGN KEY'))
    res.hazards.push(
      hazard(
        'constraint-deletion',
        'info',
        `DROP CONSTRAINT ${name} removes a foreign key: nothing stops orphan rows afterwards.`,
        null,
      ),
    );
  if (!def && !t.createdHere)
    res.irreversible = {
      reason: `constraint ${name} not found in the catalog, so its definition cannot be restored`,
      backup: `pg_dump --schema-only --table=${keyOf(t.ref)}`,
    };
  return res;
}

async function columnDefault(cmd: PgNode, t: Target): Promise<CmdResult> {
  const col = String(cmd.name);
  const old: PgColumn | undefined = t.table?.columns.get(col);
  const back = old?.default
    ? `${t.head} ALTER COLUMN ${quoteIdent(col)} SET DEFAULT ${old.default}`
    : `${t.head} ALTER COLUMN ${quoteIdent(col)} DROP DEFAULT`;
  return result('ACCESS EXCLUSIVE', back, { notes: ['changes only the catalog: existing rows keep their values'] });
}

function rewriteTable(cmd: PgNode, t: Target): CmdResult {
  const res = result('ACCESS EXCLUSIVE', null, { work: 'rewrite' });
  if (t.createdHere) return res;
  res.hazards.push(
    hazard(
      'table-rewrite',
      'error',
      `${String(cmd.subtype).replace('AT_', '')} rewrites all of ${keyOf(t.ref)} under ACCESS EXCLUSIVE: reads and writes wait.`,
      'Use pg_repack or a new table filled online, or a maintenance window.',
      t.ref,
    ),
  );
  return res;
}

function detachPartition(cmd: PgNode, t: Target, text: string, rules: PgRules): CmdResult {
  const pc = ((cmd.def as PgNode).PartitionCmd ?? {}) as PgNode;
  if (pc.concurrent) return result('SHARE UPDATE EXCLUSIVE', null, { transactional: false });
  const res = result('ACCESS EXCLUSIVE', null);
  res.hazards.push(
    hazard(
      'require-concurrent-partition-detach',
      'warning',
      `DETACH PARTITION takes ACCESS EXCLUSIVE on the parent ${keyOf(t.ref)}: every query on it waits.`,
      'DETACH PARTITION ... CONCURRENTLY (PG14+, outside a transaction).',
      t.ref,
    ),
  );
  if (rules.version >= 140000)
    res.safer = [
      step(`${t.head} ${text} CONCURRENTLY`, 'detach CONCURRENTLY (SHARE UPDATE EXCLUSIVE)', null, {
        transactional: false,
        dry_run_body: [`${t.head} ${text}`],
      }),
    ];
  return res;
}

const SHARE_UPDATE = new Set([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_SetStorage',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_SetCompression',
]);
const REWRITES = new Set(['AT_SetLogged', 'AT_SetUnLogged', 'AT_SetTableSpace', 'AT_SetAccessMethod']);

async function command(cmd: PgNode, text: string, t: Target, rules: PgRules): Promise<CmdResult> {
  const sub = String(cmd.subtype);
  if (sub === 'AT_AddColumn') return addColumn(cmd, text, t, rules);
  if (sub === 'AT_DropColumn')
    return withCascade(
      cmd,
      t,
      dropColumn(cmd, t, t.table && !t.createdHere ? await rules.catalog.viewsOnColumn(t.q, String(cmd.name)) : []),
    );
  if (sub === 'AT_AlterColumnType') return alterType(cmd, text, t, rules);
  if (sub === 'AT_SetNotNull') return setNotNull(cmd, t, rules);
  if (sub === 'AT_DropNotNull') {
    const res = result('ACCESS EXCLUSIVE', `${t.head} ALTER COLUMN ${quoteIdent(String(cmd.name))} SET NOT NULL`);
    if (!t.createdHere)
      res.hazards.push(
        hazard(
          'ban-drop-not-null',
          'info',
          `DROP NOT NULL on ${String(cmd.name)}: code reading the column may not expect NULL.`,
          null,
        ),
      );
    return res;
  }
  if (sub === 'AT_ColumnDefault') return columnDefault(cmd, t);
  if (sub === 'AT_AddConstraint') return addConstraint(cmd, text, t, rules);
  if (sub === 'AT_ValidateConstraint') return validateConstraint(cmd, t, rules);
  if (sub === 'AT_DropConstraint') return withCascade(cmd, t, await dropConstraint(cmd, t, rules));
  if (SHARE_UPDATE.has(sub)) return result('SHARE UPDATE EXCLUSIVE', null);
  if (REWRITES.has(sub)) return rewriteTable(cmd, t);
  if (
    sub.startsWith('AT_EnableTrig') ||
    sub.startsWith('AT_DisableTrig') ||
    sub.startsWith('AT_EnableAlwaysTrig') ||
    sub.startsWith('AT_EnableReplicaTrig')
  )
    return result('SHARE ROW EXCLUSIVE', null);
  if (sub === 'AT_DetachPartition') return detachPartition(cmd, t, text, rules);
  if (sub === 'AT_AttachPartition')
    return result('SHARE UPDATE EXCLUSIVE', null, {
      work: 'scan',
      notes: [
        'ATTACH PARTITION scans the attached table unless a CHECK matching the bound exists; ACCESS EXCLUSIVE on the attached table',
      ],
    });
  return result('ACCESS EXCLUSIVE', null, { notes: [`${sub}: no specific rule; assumed ACCESS EXCLUSIVE, brief`] });
}

const WORK_ORDER: TableWork[] = ['none', 'scan', 'index-build', 'rewrite'];

export async function analyzeAlterTable(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  const a = blankAnalysis(index, stmt.text, 'ALTER TABLE');
  const rv = stmt.node.relation as RangeVar;
  const { ref, table, createdHere } = await resolve(rv, rules);
  const { head, commands } = splitAlter(stmt.lexed, rv.location ?? 0);
  const t: Target = { ref, table, createdHere, head, written: written(rv), q: qualified(ref) };
  const cmds = ((stmt.node.cmds as PgNode[] | undefined) ?? []).map((c) => c.AlterTableCmd as PgNode);
  const results: CmdResult[] = [];
  for (const [i, cmd] of cmds.entries()) results.push(await command(cmd, commands[i] ?? '', t, rules));
  let lock = 'no table lock';
  let work: TableWork = 'none';
  for (const r of results) {
    lock = stronger(r.lock, lock);
    if (WORK_ORDER.indexOf(r.work) > WORK_ORDER.indexOf(work)) work = r.work;
    a.hazards.push(...r.hazards);
    a.checks.push(...r.checks);
    a.notes.push(...r.notes);
    a.locks.push(...r.otherLocks);
    if (r.transactional === false) a.transactional = false;
  }
  a.locks.unshift(lockOn(lock, keyOf(ref)));
  a.touches.push({ table: ref, work, created_here: createdHere });
  a.rewrite = work === 'rewrite';
  a.index_rebuild = work === 'rewrite' || work === 'index-build';
  a.scan = work !== 'none';
  if (!table && !createdHere)
    a.notes.push(`table ${keyOf(ref)} does not exist (yet): the statement fails unless it is created first`);
  if (!createdHere && ['ACCESS EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE', 'EXCLUSIVE'].includes(lock))
    rules.lockedInTransaction.add(keyOf(ref));
  const irreversible = results.find((r) => r.irreversible)?.irreversible;
  const rollbacks = results.map((r) => r.rollback).reverse();
  a.original = {
    body: [stmt.text],
    transactional: a.transactional,
    rollback:
      irreversible || rollbacks.some((r) => r === null && results.length > 1)
        ? null
        : rollbacks.filter(Boolean).join(';\n') || null,
    ...(irreversible ? { irreversible } : {}),
    purpose: 'as written',
    long_running: work !== 'none' && !createdHere,
  };
  if (results.some((r) => r.safer)) {
    a.safer = results.flatMap(
      (r, i) =>
        r.safer ?? [
          {
            body: [`${head} ${commands[i]}`],
            transactional: r.transactional !== false,
            rollback: r.rollback,
            ...(r.irreversible ? { irreversible: r.irreversible } : {}),
            purpose: 'as written',
          },
        ],
    );
  }
  return a;
}
