/**
 * MySQL/MariaDB ALTER TABLE, one operation at a time: the online DDL algorithm and lock it gets
 * on this server, hazards (strong_migrations' MySQL checks, Atlas MY1xx, RULES.md 1.5), data
 * checks and rollbacks. An explicit ALGORITHM / LOCK clause is honoured: a weaker algorithm than
 * the operation allows makes the server refuse the statement.
 */
import type { DataCheck, Hazard, OnlineDdl, StatementAnalysis } from '../../contract/migrations.js';
import { blankAnalysis } from '../../contract/migrations.js';
import type { TableRef } from '../../contract/engine.js';
import {
  identValue,
  keyOf,
  parseType,
  qualified,
  quote,
  refOf,
  typeAfter,
  type MyColumn,
  type MyRules,
  type MyTable,
  type MyType,
  type Node,
} from './context.js';
import * as od from './online.js';

interface Target {
  ref: TableRef;
  table: MyTable | undefined;
  createdHere: boolean;
  head: string;
  q: string;
}

interface OpResult {
  online: OnlineDdl;
  hazards: Hazard[];
  checks: DataCheck[];
  rollback: string | null;
  irreversible?: { reason: string; backup: string };
  notes: string[];
}

const op = (online: OnlineDdl, rollback: string | null, extra: Partial<OpResult> = {}): OpResult => ({
  online,
  hazards: [],
  checks: [],
  rollback,
  notes: [],
  ...extra,
});
const hazard = (
  code: string,
  severity: Hazard['severity'],
  message: string,
  safer: string | null,
  sized?: TableRef,
): Hazard => ({ code, severity, message, safer, ...(sized ? { sized } : {}) });
const OSC =
  'Use gh-ost or pt-online-schema-change (copy in chunks, short cut-over) for a large table, or a maintenance window.';

const countCheck = (code: string, t: Target, description: string, where: string, cols = '*'): DataCheck => ({
  code,
  table: t.ref,
  description,
  count_sql: `SELECT count(*) AS violations FROM ${t.q} WHERE ${where}`,
  sample_sql: `SELECT ${cols} FROM ${t.q} WHERE ${where} LIMIT 5`,
});

function duplicateCheck(code: string, t: Target, cols: string[]): DataCheck {
  const list = cols.map(quote).join(', ');
  const groups = `SELECT ${list}, count(*) AS copies FROM ${t.q} WHERE ${cols.map((c) => `${quote(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1`;
  return {
    code,
    table: t.ref,
    description: `rows sharing a value of (${cols.join(', ')})`,
    count_sql: `SELECT count(*) AS violations FROM (${groups}) d`,
    sample_sql: `${groups} LIMIT 5`,
  };
}

const optionsOf = (def: Node): Node[] =>
  ((def.options as Node[] | undefined) ?? []).map((o) =>
    typeof o === 'object' && o && 'option' in o ? (o.option as Node) : (o as unknown as Node),
  );
const optionNames = (def: Node): string[] =>
  optionsOf(def).map((o) => (typeof o === 'string' ? o : (Object.keys(o)[0] ?? '')));

function addColumnKind(def: Node): od.AddColumnKind {
  for (const o of optionsOf(def)) {
    if (typeof o !== 'object' || !o) continue;
    const gen = o.Generated as Node | undefined;
    if (gen) return gen.generation_expr_mode === 'Stored' || gen.generated_as === 'ExpStored' ? 'stored' : 'virtual';
    const ds = JSON.stringify(o.DialectSpecific ?? '');
    if (/AUTO_INCREMENT/i.test(ds)) return 'auto-increment';
    const d = o.Default as Node | undefined;
    if (d && !('Value' in d) && !/CURRENT_TIMESTAMP|NOW/i.test(JSON.stringify(d))) return 'expression-default';
  }
  return 'plain';
}

function addColumn(o: Node, text: string, t: Target, rules: MyRules): OpResult {
  const def = o.column_def as Node;
  const col = identValue(def.name);
  const kind = addColumnKind(def);
  const positioned = !!o.column_position;
  const res = op(od.addColumn(rules.server, kind, positioned), `${t.head} DROP COLUMN ${quote(col)}`);
  if (t.createdHere) return res;
  const names = optionNames(def);
  if (kind === 'stored')
    res.hazards.push(
      hazard(
        'add-column-generated-stored',
        'error',
        `ADD COLUMN ${col} ... STORED copies the whole table (ALGORITHM=COPY): writes wait.`,
        'Add a VIRTUAL generated column (instant), or fill a plain column from the application.',
        t.ref,
      ),
    );
  if (kind === 'auto-increment')
    res.hazards.push(
      hazard(
        'add-column-auto-increment',
        'error',
        `ADD COLUMN ${col} AUTO_INCREMENT rebuilds the table with LOCK=SHARED: writes wait; statement-based replicas may number rows differently.`,
        'Create a new table with the column and copy the rows into it (gh-ost / pt-online-schema-change).',
        t.ref,
      ),
    );
  if (kind === 'expression-default' && rules.server.variant === 'mysql')
    res.hazards.push(
      hazard(
        'add-column-expression-default',
        'warning',
        `ADD COLUMN ${col} with an expression default cannot be INSTANT on MySQL: the table is rebuilt (INPLACE).`,
        'Add the column without a default, then backfill in batches.',
        t.ref,
      ),
    );
  if (names.includes('NotNull') && !names.includes('Default') && kind === 'plain')
    res.hazards.push(
      hazard(
        'not-null-without-default',
        'warning',
        `ADD COLUMN ${col} NOT NULL without DEFAULT: existing rows silently get the type's zero value ('' or 0), which may not mean what the code expects (Atlas MY101).`,
        'Give it an explicit DEFAULT, or add it nullable and backfill.',
      ),
    );
  if (names.includes('Unique') || JSON.stringify(def.options).includes('"Unique"'))
    res.notes.push('inline UNIQUE builds an index (INPLACE, LOCK=NONE)');
  if (res.online.rebuilds_table && kind === 'plain')
    res.notes.push(
      positioned
        ? 'a column positioned with FIRST/AFTER is not INSTANT on this server: the table is rebuilt'
        : 'not INSTANT on this server version: the table is rebuilt',
    );
  void text;
  return res;
}

function dropColumn(o: Node, t: Target, rules: MyRules): OpResult[] {
  const cols = ((o.column_names as Node[] | undefined) ?? [o.column_name]).map(identValue);
  return cols.map((col) => {
    const res = op(od.dropColumn(rules.server), null);
    if (t.createdHere) return res;
    res.irreversible = {
      reason: `the data of ${keyOf(t.ref)}.${col} is gone once committed`,
      backup: `mysqldump ${t.ref.schema} ${t.ref.name} (or CREATE TABLE ${t.ref.name}_${col}_backup AS SELECT * FROM ${t.q})`,
    };
    res.hazards.push(
      hazard(
        'ban-drop-column',
        'error',
        `DROP COLUMN ${col} loses its data and breaks running code that still reads or writes it.`,
        'Stop using the column in the application first (ignore it in the ORM), deploy, back it up, then drop it.',
      ),
    );
    return res;
  });
}

function columnDefinition(c: MyColumn): string {
  const dflt =
    c.default === null
      ? ''
      : ` DEFAULT ${/^(CURRENT_TIMESTAMP|NULL)/i.test(c.default) || /^-?\d+(\.\d+)?$/.test(c.default) ? c.default : `'${c.default.replace(/'/g, "''")}'`}`;
  return `${c.column_type}${c.nullable ? ' NULL' : ' NOT NULL'}${dflt}`;
}

/** The online DDL class of a type change from `from` (catalog) to `to` (as written). */
function typeChange(
  from: MyType,
  to: MyType,
  current: MyColumn,
): { online: OnlineDdl; same: boolean; enumChange: boolean } {
  if (
    from.base === to.base &&
    from.unsigned === to.unsigned &&
    (from.args.join() === to.args.join() || ['int', 'bigint', 'smallint', 'tinyint', 'mediumint'].includes(to.base))
  )
    return { online: od.online('INSTANT', 'NONE', false), same: true, enumChange: false };
  if (from.base === 'varchar' && to.base === 'varchar' && Number(to.args[0]) >= Number(from.args[0])) {
    const b = od.bytesPerChar(current.charset);
    const [oldBytes, newBytes] = [Number(from.args[0]) * b, Number(to.args[0]) * b];
    const sameClass = oldBytes <= 255 === newBytes <= 255;
    return { online: sameClass ? od.widenVarcharSameClass() : od.COPY, same: false, enumChange: false };
  }
  if ((from.base === 'enum' || from.base === 'set') && to.base === from.base) {
    const appended =
      from.args.every((m, i) => to.args[i] === m) &&
      to.args.length >= from.args.length &&
      to.args.length <= (from.base === 'enum' ? 255 : 8);
    return { online: appended ? od.appendEnumMember() : od.COPY, same: false, enumChange: !appended };
  }
  return { online: od.COPY, same: false, enumChange: false };
}

function narrowing(from: MyType, to: MyType, col: string): string | null {
  const c = quote(col);
  if (
    ['varchar', 'char'].includes(to.base) &&
    to.args[0] &&
    ['varchar', 'char', 'text', 'mediumtext', 'longtext', 'tinytext'].includes(from.base)
  )
    return `CHAR_LENGTH(${c}) > ${Number(to.args[0])}`;
  const ranges: Record<string, [string, string]> = {
    tinyint: ['-128', '127'],
    smallint: ['-32768', '32767'],
    mediumint: ['-8388608', '8388607'],
    int: ['-2147483648', '2147483647'],
  };
  const r = ranges[to.base];
  if (r && ['int', 'bigint', 'decimal', 'double', 'float', 'mediumint', 'smallint'].includes(from.base))
    return to.unsigned ? `${c} < 0 OR ${c} > ${BigInt(r[1]) * 2n + 1n}` : `${c} NOT BETWEEN ${r[0]} AND ${r[1]}`;
  if (to.base === 'enum' && from.base === 'enum') return `${c} NOT IN (${to.args.join(', ')})`;
  if (['int', 'bigint', 'smallint'].includes(to.base) && ['varchar', 'char', 'text'].includes(from.base))
    return `${c} NOT REGEXP '^[-+]?[0-9]+$'`;
  return null;
}

function modifyColumn(o: Node, text: string, t: Target, rules: MyRules, change: boolean): OpResult {
  const oldName = identValue(change ? o.old_name : o.col_name);
  const newName = change ? identValue(o.new_name) : oldName;
  const current = t.table?.columns.get(oldName.toLowerCase());
  const rollback = current
    ? `${t.head} ${change ? `CHANGE COLUMN ${quote(newName)} ${quote(oldName)}` : `MODIFY COLUMN ${quote(oldName)}`} ${columnDefinition(current)}`
    : null;
  if (t.createdHere || !current)
    return op(od.COPY, rollback, { notes: current ? [] : [`column ${oldName} not found: cannot tell the algorithm`] });
  const written = typeAfter(text, change ? o.new_name : o.col_name);
  const to = parseType(written ?? current.column_type);
  const from = parseType(current.column_type);
  const names = optionNames(o);
  const tc = typeChange(from, to, current);
  const parts: OnlineDdl[] = [tc.online];
  const res = op(tc.online, rollback);
  if (change && newName !== oldName) {
    parts.push(od.renameColumn(rules.server));
    res.hazards.push(
      hazard(
        'renaming-column',
        'warning',
        `CHANGE COLUMN ${oldName} to ${newName} renames it: running code using the old name breaks.`,
        'Expand/contract: add the new column, write both, backfill, move reads, drop the old one.',
      ),
    );
  }
  const wantsNotNull = names.includes('NotNull');
  if (!current.nullable && !wantsNotNull) {
    res.hazards.push(
      hazard(
        'modify-column-drops-attributes',
        'warning',
        `${change ? 'CHANGE' : 'MODIFY'} COLUMN restates the whole column: ${oldName} was NOT NULL${current.default !== null ? ` DEFAULT ${current.default}` : ''}, and what is not repeated is dropped (it becomes NULL-able${current.default !== null ? ', without a default' : ''}).`,
        `Repeat every attribute: ${quote(newName)} ${written ?? current.column_type} NOT NULL${current.default !== null ? ` DEFAULT ...` : ''}.`,
      ),
    );
    parts.push(od.makeNullable());
  }
  if (current.nullable && wantsNotNull) {
    parts.push(od.makeNotNull(rules.server));
    res.checks.push(countCheck('change-column-null', t, `rows where ${oldName} IS NULL`, `${quote(oldName)} IS NULL`));
    const copy = rules.server.variant === 'mariadb';
    res.hazards.push(
      hazard(
        'change-column-null',
        copy ? 'error' : 'warning',
        `Making ${oldName} NOT NULL ${copy ? 'copies the table on MariaDB (ALGORITHM=COPY): writes wait' : 'rebuilds the table (INPLACE)'}, and fails on existing NULLs (ERROR 1265 in strict mode).`,
        'Backfill the NULLs first (in batches); on a large table use gh-ost / pt-online-schema-change.',
        t.ref,
      ),
    );
  }
  if (!tc.same) {
    const violation = narrowing(from, to, oldName);
    if (violation)
      res.checks.push(
        countCheck(
          'changing-column-type',
          t,
          `values of ${oldName} that ${written} cannot hold`,
          `${quote(oldName)} IS NOT NULL AND (${violation})`,
          quote(oldName),
        ),
      );
    if (tc.enumChange)
      res.hazards.push(
        hazard(
          'enum-reorder',
          'error',
          `Changing ${from.base.toUpperCase()} ${oldName} other than by appending members copies the table (ALGORITHM=COPY) and may remap stored values (Atlas MY110-113).`,
          'Only append new members at the end (INSTANT); never reorder or remove them on a large table.',
          t.ref,
        ),
      );
    else if (tc.online.algorithm === 'COPY')
      res.hazards.push(
        hazard(
          'changing-column-type',
          'error',
          `${oldName} ${current.column_type} -> ${written ?? '?'} copies the whole table (ALGORITHM=COPY): writes wait for the copy; clients may break.`,
          `New column + backfill + switch (expand/contract), or ${OSC}`,
          t.ref,
        ),
      );
    else res.notes.push(`${current.column_type} -> ${written}: ${tc.online.algorithm}, no table copy`);
  }
  res.online = od.combine(parts);
  return res;
}

function indexColumns(c: Node): string[] {
  return ((c.columns as Node[] | undefined) ?? []).map((x) => {
    const e = ((x.column as Node | undefined)?.expr ?? x) as Node;
    return identValue(e.Identifier ?? e);
  });
}

function addConstraint(o: Node, t: Target, rules: MyRules): OpResult {
  const [kind, c] = Object.entries(o.constraint as Node)[0] as [string, Node];
  const name = identValue(c.name ?? c.index_name ?? c.opt_index_name);
  if (kind === 'Index') return op(od.secondaryIndex(), name ? `${t.head} DROP INDEX ${quote(name)}` : null);
  if (kind === 'Unique') {
    const res = op(od.secondaryIndex(), name ? `${t.head} DROP INDEX ${quote(name)}` : null);
    if (!t.createdHere) res.checks.push(duplicateCheck('unique-index-duplicates', t, indexColumns(c)));
    return res;
  }
  if (kind === 'FulltextOrSpatial') {
    const res = op(od.fulltextIndex(), name ? `${t.head} DROP INDEX ${quote(name)}` : null);
    if (!t.createdHere)
      res.hazards.push(
        hazard(
          'add-fulltext-index',
          'error',
          'ADD FULLTEXT/SPATIAL INDEX runs with LOCK=SHARED (the first FULLTEXT index rebuilds the table): writes wait.',
          OSC,
          t.ref,
        ),
      );
    return res;
  }
  if (kind === 'PrimaryKey') {
    const res = op(od.primaryKey(), `${t.head} DROP PRIMARY KEY`);
    if (t.createdHere) return res;
    const cols = indexColumns(c);
    res.checks.push(
      duplicateCheck('add-primary-key', t, cols),
      ...cols.map((col) => countCheck('add-primary-key', t, `rows where ${col} IS NULL`, `${quote(col)} IS NULL`)),
    );
    res.hazards.push(
      hazard(
        'add-primary-key',
        'warning',
        `ADD PRIMARY KEY rebuilds ${keyOf(t.ref)} (INPLACE, writes go on but the rebuild takes as long as a copy).`,
        'Fine for small tables; for large ones gh-ost / pt-online-schema-change.',
        t.ref,
      ),
    );
    return res;
  }
  if (kind === 'ForeignKey') {
    const res = op(od.foreignKey(), name ? `${t.head} DROP FOREIGN KEY ${quote(name)}` : null);
    if (t.createdHere) return res;
    const parent = refOf(c.foreign_table, rules);
    const cols = ((c.columns as Node[] | undefined) ?? []).map(identValue);
    const refCols = ((c.referred_columns as Node[] | undefined) ?? []).map(identValue);
    if (cols.length && cols.length === refCols.length) {
      const joins = cols.map((col, i) => `p.${quote(refCols[i]!)} = c.${quote(col)}`).join(' AND ');
      res.checks.push({
        code: 'add-foreign-key-mysql',
        table: t.ref,
        description: `rows whose (${cols.join(', ')}) has no match in ${parent.name}`,
        count_sql: `SELECT count(*) AS violations FROM ${t.q} c WHERE ${cols.map((x) => `c.${quote(x)} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${qualified(parent)} p WHERE ${joins})`,
        sample_sql: `SELECT ${cols.map((x) => `c.${quote(x)}`).join(', ')} FROM ${t.q} c WHERE ${cols.map((x) => `c.${quote(x)} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${qualified(parent)} p WHERE ${joins}) LIMIT 5`,
      });
    }
    res.hazards.push(
      hazard(
        'add-foreign-key-mysql',
        'error',
        `ADD FOREIGN KEY on ${keyOf(t.ref)} copies the table while foreign_key_checks=1 (ALGORITHM=COPY): writes wait; both tables are locked.`,
        'Only when the rows are known valid (see the data check): SET foreign_key_checks=0 for the session makes it INPLACE; otherwise gh-ost/pt-osc cannot help (they do not support foreign keys well).',
        t.ref,
      ),
    );
    return res;
  }
  if (kind === 'Check') {
    const res = op(od.checkConstraint(), name ? `${t.head} DROP CHECK ${quote(name)}` : null);
    if (!t.createdHere)
      res.hazards.push(
        hazard(
          'add-check-constraint-mysql',
          'error',
          `ADD CHECK on ${keyOf(t.ref)} copies and checks the whole table (ALGORITHM=COPY): writes wait. There is no NOT VALID in MySQL.`,
          'Enforce it in the application first; add it in a maintenance window or with gh-ost / pt-online-schema-change.',
          t.ref,
        ),
      );
    return res;
  }
  return op(od.COPY, null, { notes: [`constraint ${kind}: no rule`] });
}

function explicitClauses(ops: Node[]): { algorithm?: string; lock?: string } {
  const out: { algorithm?: string; lock?: string } = {};
  for (const o of ops) {
    if (o.Algorithm) out.algorithm = String((o.Algorithm as Node).algorithm).toUpperCase();
    if (o.Lock) out.lock = String((o.Lock as Node).lock).toUpperCase();
  }
  return out;
}

function operation(o: Node, text: string, t: Target, rules: MyRules): OpResult[] {
  const [kind, body] = Object.entries(o)[0] as [string, Node];
  switch (kind) {
    case 'AddColumn':
      return [addColumn(body, text, t, rules)];
    case 'DropColumn':
      return dropColumn(body, t, rules);
    case 'ModifyColumn':
      return [modifyColumn(body, text, t, rules, false)];
    case 'ChangeColumn':
      return [modifyColumn(body, text, t, rules, true)];
    case 'RenameColumn': {
      const [from, to] = [identValue(body.old_column_name), identValue(body.new_column_name)];
      const res = op(od.renameColumn(rules.server), `${t.head} RENAME COLUMN ${quote(to)} TO ${quote(from)}`);
      if (!t.createdHere)
        res.hazards.push(
          hazard(
            'renaming-column',
            'warning',
            `RENAME COLUMN ${from} TO ${to} breaks running code that uses the old name.`,
            'Expand/contract: add the new column, write both, backfill, move reads, drop the old one.',
          ),
        );
      return [res];
    }
    case 'AlterColumn':
      return [op(od.setDefault(), null, { notes: ['default changes are INSTANT (catalog only)'] })];
    case 'AddConstraint':
      return [addConstraint(body, t, rules)];
    case 'DropIndex':
      return [
        op(od.dropIndex(), null, {
          irreversible: {
            reason: `the index definition is dropped; re-create it from SHOW CREATE TABLE`,
            backup: `SHOW CREATE TABLE ${t.q}`,
          },
        }),
      ];
    case 'DropForeignKey':
      return [
        op(od.dropIndex(), null, {
          hazards: [
            hazard(
              'constraint-deletion',
              'info',
              `DROP FOREIGN KEY ${identValue(body.name)}: nothing stops orphan rows afterwards.`,
              null,
            ),
          ],
        }),
      ];
    case 'DropPrimaryKey': {
      const res = op(od.COPY, null);
      if (!t.createdHere)
        res.hazards.push(
          hazard(
            'drop-primary-key',
            'error',
            `DROP PRIMARY KEY without adding another copies ${keyOf(t.ref)} (ALGORITHM=COPY): writes wait; InnoDB falls back to a hidden row id.`,
            'Drop and add the new primary key in the same ALTER (INPLACE).',
            t.ref,
          ),
        );
      return [res];
    }
    case 'RenameTable': {
      const res = op(od.renameTable(), null);
      if (!t.createdHere)
        res.hazards.push(
          hazard(
            'renaming-table',
            'warning',
            `RENAME TO breaks running code that uses ${t.ref.name}.`,
            'Keep the name, or create a view with the old name for the transition.',
          ),
        );
      return [res];
    }
    case 'Algorithm':
    case 'Lock':
      return [];
    default:
      return [op(od.COPY, null, { notes: [`${kind}: no rule; assumed ALGORITHM=COPY`] })];
  }
}

function blocks(o: OnlineDdl): 'nothing' | 'writes' | 'reads and writes' {
  if (o.lock === 'EXCLUSIVE') return 'reads and writes';
  if (o.lock === 'SHARED' || o.algorithm === 'COPY') return 'writes';
  return 'nothing';
}

export async function analyzeMysqlAlter(
  stmt: Node,
  text: string,
  index: number,
  rules: MyRules,
): Promise<StatementAnalysis> {
  const a = blankAnalysis(index, text, 'ALTER TABLE');
  const ref = refOf(stmt.name, rules);
  const createdHere = rules.created.has(keyOf(ref));
  const table = createdHere ? undefined : await rules.table(ref);
  const t: Target = { ref, table, createdHere, head: `ALTER TABLE ${qualified(ref)}`, q: qualified(ref) };
  const ops = (stmt.operations as Node[] | undefined) ?? [];
  const results = ops.flatMap((o) => operation(o, text, t, rules));
  const online = od.combine(results.map((r) => r.online));
  const explicit = explicitClauses(ops);
  for (const r of results) {
    a.hazards.push(...r.hazards);
    a.checks.push(...r.checks);
    a.notes.push(...r.notes);
  }
  const rank = { INSTANT: 0, INPLACE: 1, COPY: 2 } as const;
  if (explicit.algorithm === 'COPY' && !createdHere)
    a.hazards.push(
      hazard(
        'copy-algorithm',
        'error',
        'ALGORITHM=COPY copies the whole table: writes wait for the copy.',
        'Leave the algorithm to the server, or ask for INPLACE/INSTANT explicitly so it refuses instead of copying.',
        ref,
      ),
    );
  else if (
    explicit.algorithm &&
    explicit.algorithm in rank &&
    rank[explicit.algorithm as keyof typeof rank] < rank[online.algorithm]
  ) {
    a.hazards.push(
      hazard(
        'algorithm-not-supported',
        'error',
        `ALGORITHM=${explicit.algorithm} is not supported for this operation on ${rules.server.variant} ${rules.server.version.join('.')} (it needs ${online.algorithm}): the statement fails.`,
        `Use ALGORITHM=${online.algorithm}${online.algorithm === 'COPY' ? `, or ${OSC}` : ''}.`,
      ),
    );
  }
  if ((explicit.lock === 'SHARED' || explicit.lock === 'EXCLUSIVE') && !createdHere)
    a.hazards.push(
      hazard(
        'lock-option',
        explicit.lock === 'EXCLUSIVE' ? 'error' : 'warning',
        `LOCK=${explicit.lock} blocks ${explicit.lock === 'EXCLUSIVE' ? 'reads and writes' : 'writes'} for the whole statement.`,
        'Use LOCK=NONE (or leave it out) where the operation allows it.',
        ref,
      ),
    );
  if (online.algorithm === 'COPY' && !createdHere && !a.hazards.some((h) => h.severity === 'error')) {
    a.hazards.push(
      hazard(
        'copy-algorithm',
        'error',
        `This ALTER needs ALGORITHM=COPY on ${rules.server.variant}: ${keyOf(ref)} is copied while writes wait.`,
        OSC,
        ref,
      ),
    );
  }
  a.online = {
    ...online,
    explicit: !!explicit.algorithm,
    ...(explicit.algorithm && explicit.algorithm in rank
      ? { algorithm: explicit.algorithm as OnlineDdl['algorithm'] }
      : {}),
  };
  a.locks.push({
    level: `metadata lock (exclusive, brief at start and end); ALGORITHM=${a.online.algorithm}, LOCK=${online.lock}`,
    table: keyOf(ref),
    blocks: createdHere ? 'nothing' : blocks(online),
  });
  const work = online.rebuilds_table
    ? 'rewrite'
    : results.some((r) => r.online.algorithm === 'INPLACE')
      ? 'index-build'
      : 'none';
  a.touches.push({ table: ref, work, created_here: createdHere });
  a.rewrite = work === 'rewrite';
  a.scan = work !== 'none';
  a.index_rebuild = work !== 'none';
  a.transactional = false;
  const irreversible = results.find((r) => r.irreversible)?.irreversible;
  const rollbacks = results.map((r) => r.rollback);
  a.original = {
    body: [text],
    transactional: false,
    rollback: irreversible || rollbacks.some((r) => r === null) ? null : rollbacks.reverse().join(';\n') || null,
    ...(irreversible ? { irreversible } : {}),
    purpose: 'as written',
    long_running: work !== 'none' && !createdHere,
  };
  if (!explicit.algorithm && !explicit.lock && !createdHere && online.algorithm !== 'COPY' && ops.length) {
    const clause = online.algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : 'ALGORITHM=INPLACE, LOCK=NONE';
    if (online.lock === 'NONE')
      a.safer = [
        {
          ...a.original,
          body: [`${text.replace(/;\s*$/, '')}, ${clause}`],
          purpose: `as written, with ${clause}: the server refuses rather than silently copying the table`,
        },
      ];
  }
  return a;
}
