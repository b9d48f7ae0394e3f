/**
 * Every PostgreSQL statement but ALTER TABLE: indexes, drops, renames, enums, data changes,
 * maintenance. Lock levels and safe forms from RULES.md section 2 and squawk.
 */
import type { Hazard, StatementAnalysis } from '../../contract/migrations.js';
import { blankAnalysis } from '../../contract/migrations.js';
import { keyOf, lockOn, names, qualified, resolve, written, type PgRules, type RangeVar } from './context.js';
import { autoName, step } from './recipes.js';
import {
  findToken,
  insertAfter,
  insertBefore,
  quoteIdent,
  removeToken,
  type PgNode,
  type PgStatement,
} from './text.js';

const hazard = (
  code: string,
  severity: Hazard['severity'],
  message: string,
  safer: string | null,
  sized?: Hazard['sized'],
): Hazard => ({ code, severity, message, safer, ...(sized ? { sized } : {}) });

const irreversible = (reason: string, backup: string) => ({ irreversible: { reason, backup } });

function work(a: StatementAnalysis, kind: 'scan' | 'rewrite' | 'index-build') {
  a.scan = true;
  if (kind === 'rewrite') a.rewrite = true;
  if (kind !== 'scan') a.index_rebuild = true;
}

async function createIndex(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  const n = stmt.node;
  const rv = n.relation as RangeVar;
  const { ref, table, createdHere } = await resolve(rv, rules);
  const a = blankAnalysis(index, stmt.text, n.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX');
  const cols = ((n.indexParams as PgNode[] | undefined) ?? []).map(
    (p) => (p.IndexElem as PgNode).name as string | undefined,
  );
  const name = (n.idxname as string | undefined) ?? autoName(ref.name, ...cols.map((c) => c ?? 'expr'), 'idx');
  const qualifiedIndex = `${quoteIdent(ref.schema)}.${quoteIdent(name)}`;
  a.touches.push({ table: ref, work: 'index-build', created_here: createdHere });
  work(a, 'index-build');
  if (n.unique && cols.every(Boolean) && !createdHere) {
    const list = (cols as string[]).map(quoteIdent).join(', ');
    const groups = `SELECT ${list}, count(*) AS copies FROM ${qualified(ref)} WHERE ${(cols as string[]).map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}${n.whereClause ? '' : ''} GROUP BY ${list} HAVING count(*) > 1`;
    a.checks.push({
      code: 'unique-index-duplicates',
      table: ref,
      description: `rows sharing a value of (${cols.join(', ')})`,
      count_sql: `SELECT count(*) AS violations FROM (${groups}) d`,
      sample_sql: `${groups} LIMIT 5`,
    });
  }
  if (n.concurrent) {
    a.locks.push(lockOn('SHARE UPDATE EXCLUSIVE', keyOf(ref)));
    a.transactional = false;
    const plain = removeToken(stmt.lexed, findToken(stmt.lexed, ['concurrently']));
    a.original = {
      body: [stmt.text],
      transactional: false,
      rollback: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex}`,
      purpose: 'as written',
      dry_run_body: [plain],
      long_running: true,
    };
    if (rules.inTransaction)
      a.hazards.push(
        hazard(
          'ban-concurrent-index-creation-in-transaction',
          'error',
          'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: it fails.',
          'Run it alone, outside BEGIN/COMMIT (the plan runs it as its own step).',
        ),
      );
    if (table?.relkind === 'p')
      a.hazards.push(
        hazard(
          'concurrent-index-on-partitioned-table',
          'error',
          `CREATE INDEX CONCURRENTLY is not supported on the partitioned table ${keyOf(ref)}: it fails.`,
          'CREATE INDEX ON ONLY the parent, CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION.',
        ),
      );
    if (rules.version >= 140000 && rules.version < 140004)
      a.hazards.push(
        hazard(
          'add-index-corruption',
          'error',
          'CREATE INDEX CONCURRENTLY on PostgreSQL 14.0 to 14.3 can silently corrupt indexes.',
          'Upgrade to 14.4 or later first.',
        ),
      );
    a.notes.push('two scans of the table; reads and writes go on; a failure leaves an INVALID index to drop');
    return a;
  }
  a.locks.push(lockOn('SHARE', keyOf(ref)));
  a.original = {
    body: [stmt.text],
    transactional: true,
    rollback: `DROP INDEX IF EXISTS ${qualifiedIndex}`,
    purpose: 'as written',
    long_running: !createdHere,
  };
  if (createdHere) return a;
  a.hazards.push(
    hazard(
      'require-concurrent-index-creation',
      'error',
      `CREATE INDEX without CONCURRENTLY holds a SHARE lock on ${keyOf(ref)} for the whole build: writes (INSERT, UPDATE, DELETE) wait.`,
      'CREATE INDEX CONCURRENTLY, outside a transaction.',
      ref,
    ),
  );
  if (table?.relkind === 'p') {
    a.notes.push('partitioned table: CONCURRENTLY is not possible on the parent; build per partition and attach');
    return a;
  }
  const at = findToken(stmt.lexed, ['index']);
  const withName = n.idxname
    ? stmt.text
    : insertBefore(stmt.lexed, findToken(stmt.lexed, ['on'], at), quoteIdent(name));
  const concurrent = n.idxname
    ? insertAfter(stmt.lexed, at, 'CONCURRENTLY')
    : withName.replace(/\bindex\b/i, (m) => `${m} CONCURRENTLY`);
  a.safer = [
    step(
      concurrent,
      'build the index CONCURRENTLY (reads and writes go on)',
      `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex}`,
      { transactional: false, dry_run_body: [withName], long_running: true },
    ),
  ];
  return a;
}

/** `objects` of a DropStmt as qualified name lists. */
const dropObjects = (n: PgNode): string[][] =>
  ((n.objects as PgNode[] | undefined) ?? []).map((o) => names((o.List as PgNode | undefined)?.items ?? [o]));

async function dropIndex(stmt: PgStatement, a: StatementAnalysis, rules: PgRules): Promise<StatementAnalysis> {
  const n = stmt.node;
  for (const obj of dropObjects(n)) {
    const [schema, name] = obj.length > 1 ? [obj[0], obj[1]!] : [undefined, obj[0]!];
    const idx = await rules.catalog.indexDef(schema, name);
    const recreate = idx ? idx.def.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}CONCURRENTLY `) : null;
    a.locks.push(lockOn(n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', idx?.table ?? null));
    a.original = {
      body: [stmt.text],
      transactional: !n.concurrent,
      rollback: recreate,
      purpose: 'as written',
      ...(recreate
        ? {}
        : irreversible(`index ${name} not found, so its definition cannot be restored`, 'pg_dump --schema-only')),
    };
    if (n.concurrent) {
      a.transactional = false;
      a.original.dry_run_body = [removeToken(stmt.lexed, findToken(stmt.lexed, ['concurrently']))];
      continue;
    }
    if (!idx) continue;
    const [tSchema, tName] = idx.table.includes('.') ? idx.table.split('.') : [rules.defaultSchema, idx.table];
    a.hazards.push(
      hazard(
        'require-concurrent-index-deletion',
        'warning',
        `DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on ${idx.table}: every query on it waits (and queues behind any long query).`,
        'DROP INDEX CONCURRENTLY, outside a transaction.',
        { schema: tSchema!, name: tName! },
      ),
    );
    if (dropObjects(n).length === 1)
      a.safer = [
        step(
          insertAfter(stmt.lexed, findToken(stmt.lexed, ['index']), 'CONCURRENTLY'),
          'drop the index CONCURRENTLY',
          recreate,
          { transactional: false, dry_run_body: [stmt.text] },
        ),
      ];
  }
  return a;
}

async function drop(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  const n = stmt.node;
  const type = String(n.removeType).replace('OBJECT_', '');
  const a = blankAnalysis(index, stmt.text, `DROP ${type.replace('_', ' ')}`);
  if (type === 'INDEX') return dropIndex(stmt, a, rules);
  const objs = dropObjects(n);
  if (type === 'TABLE') {
    const created = objs.every((o) =>
      rules.created.has(o.length > 1 ? `${o[0]}.${o[1]}` : `${rules.defaultSchema}.${o[0]}`),
    );
    for (const o of objs) a.locks.push(lockOn('ACCESS EXCLUSIVE', o.join('.')));
    if (!created) {
      a.hazards.push(
        hazard(
          'ban-drop-table',
          'error',
          `DROP TABLE ${objs.map((o) => o.join('.')).join(', ')} deletes the table and its data; running code that uses it fails.`,
          'Stop using the table first, back it up (pg_dump --table), rename it aside for a while, then drop it.',
        ),
      );
      Object.assign(
        a.original,
        irreversible(
          'the table and its rows are gone once committed',
          `pg_dump --format=custom ${objs.map((o) => `--table=${o.join('.')}`).join(' ')}`,
        ),
      );
    }
  } else if (type === 'SCHEMA') {
    a.hazards.push(
      hazard(
        'ban-drop-schema',
        'error',
        `DROP SCHEMA ${objs.map((o) => o.join('.')).join(', ')} deletes everything in it.`,
        'Back it up (pg_dump --schema) and drop only what is known unused.',
      ),
    );
    Object.assign(
      a.original,
      irreversible(
        'the schema and its objects are gone once committed',
        `pg_dump --format=custom --schema=${objs.map((o) => o.join('.')).join(' --schema=')}`,
      ),
    );
  } else {
    Object.assign(
      a.original,
      irreversible(`the ${type.toLowerCase()} definition is gone once committed`, 'pg_dump --schema-only'),
    );
    if (type === 'COLUMN') a.hazards.push(hazard('ban-drop-column', 'error', 'drops a column', null));
  }
  if (n.behavior === 'DROP_CASCADE')
    a.hazards.push(
      hazard(
        'drop-cascade',
        'warning',
        'CASCADE also drops every object that depends on it (views, foreign keys), silently.',
        'Drop the dependents explicitly, so the migration says what goes.',
      ),
    );
  return a;
}

async function rename(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  const n = stmt.node;
  const type = String(n.renameType).replace('OBJECT_', '');
  const a = blankAnalysis(index, stmt.text, `RENAME ${type}`);
  const rv = n.relation as RangeVar | undefined;
  if (!rv) return a;
  const { ref, createdHere } = await resolve(rv, rules);
  const newname = String(n.newname);
  a.locks.push(lockOn(type === 'INDEX' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', keyOf(ref)));
  const head = `ALTER ${type === 'COLUMN' || type === 'TABCONSTRAINT' ? 'TABLE' : type} ${written(rv)}`;
  if (type === 'COLUMN') {
    a.original.rollback = `${head} RENAME COLUMN ${quoteIdent(newname)} TO ${quoteIdent(String(n.subname))}`;
    if (!createdHere)
      a.hazards.push(
        hazard(
          'renaming-column',
          'warning',
          `RENAME COLUMN ${String(n.subname)} TO ${newname} breaks running code that still uses the old name.`,
          'Expand/contract: add the new column, write both, backfill, move reads, drop the old; or keep the database name and map it in the ORM.',
        ),
      );
  } else if (type === 'TABLE') {
    const newRef = { schema: ref.schema, name: newname };
    a.original.rollback = `ALTER TABLE ${rv.schemaname ? `${quoteIdent(rv.schemaname)}.` : ''}${quoteIdent(newname)} RENAME TO ${quoteIdent(rv.relname)}`;
    if (createdHere) rules.created.add(keyOf(newRef));
    else
      a.hazards.push(
        hazard(
          'renaming-table',
          'warning',
          `RENAME TABLE ${rv.relname} TO ${newname} breaks running code that still uses the old name.`,
          'Create a view with the old name for the transition (CREATE VIEW old AS SELECT * FROM new), or keep the name.',
        ),
      );
  } else if (type === 'INDEX' || type === 'TABCONSTRAINT') {
    a.original.rollback = null;
  }
  return a;
}

function alterEnum(stmt: PgStatement, index: number, rules: PgRules): StatementAnalysis {
  const n = stmt.node;
  const type = names(n.typeName).join('.');
  const a = blankAnalysis(index, stmt.text, 'ALTER TYPE');
  a.locks.push(lockOn('no table lock', null));
  if (n.oldVal) {
    a.original.rollback = `ALTER TYPE ${type} RENAME VALUE '${String(n.newVal).replace(/'/g, "''")}' TO '${String(n.oldVal).replace(/'/g, "''")}'`;
    a.hazards.push(
      hazard(
        'rename-enum-value',
        'warning',
        `RENAME VALUE '${String(n.oldVal)}' of ${type} breaks running code that writes or compares the old label.`,
        'Add the new value, handle both in code, backfill, then stop using the old one.',
      ),
    );
    return a;
  }
  Object.assign(
    a.original,
    irreversible(`an enum value cannot be removed from ${type} (only by recreating the type)`, 'pg_dump --schema-only'),
  );
  if (rules.inTransaction && rules.version < 120000) {
    a.hazards.push(
      hazard(
        'add-enum-value-in-transaction',
        'error',
        'ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12: it fails.',
        'Run it alone, outside BEGIN/COMMIT.',
      ),
    );
    a.transactional = false;
  }
  if (rules.inTransaction) rules.enumValuesInTransaction.add(String(n.newVal));
  return a;
}

function dataChange(
  stmt: PgStatement,
  a: StatementAnalysis,
  ref: { schema: string; name: string },
  createdHere: boolean,
  rules: PgRules,
  verb: 'UPDATE' | 'DELETE',
): StatementAnalysis {
  const n = stmt.node;
  a.locks.push(lockOn('ROW EXCLUSIVE', keyOf(ref)));
  a.touches.push({ table: ref, work: 'scan', created_here: createdHere });
  a.scan = true;
  a.original.long_running = !createdHere;
  if (createdHere) return a;
  Object.assign(
    a.original,
    irreversible(
      `the old values are overwritten (${verb})`,
      `CREATE TABLE ${quoteIdent(autoName(ref.name, 'before', 'migration'))} AS SELECT * FROM ${qualified(ref)}${n.whereClause ? ' WHERE <the same condition>' : ''}; or pg_dump --table=${keyOf(ref)}`,
    ),
  );
  if (verb === 'DELETE' && !n.whereClause)
    a.hazards.push(
      hazard(
        'delete-all-rows',
        'error',
        `DELETE without WHERE removes every row of ${keyOf(ref)}.`,
        'Add the WHERE you mean, back up first, and delete in batches.',
      ),
    );
  if (verb === 'UPDATE' || n.whereClause) {
    // A DELETE with a WHERE is the same hazard as a backfill: every row it matches is locked, and dead, in one transaction.
    a.hazards.push({
      ...hazard(
        'backfill-in-one-statement',
        'warning',
        `${verb} ${keyOf(ref)}${n.whereClause ? '' : ' (every row)'} in one statement: one long transaction that locks every row it touches, bloats the table and the WAL, and lags replicas.`,
        `${verb === 'UPDATE' ? 'Backfill' : 'Delete'} in batches (e.g. 10,000 rows by primary key range), each in its own transaction, outside the DDL transaction.`,
        ref,
      ),
      small: 'info',
    });
  }
  if (rules.inTransaction && rules.lockedInTransaction.has(keyOf(ref))) {
    a.hazards.push(
      hazard(
        'backfill-in-ddl-transaction',
        'error',
        `${verb} of ${keyOf(ref)} in the same transaction as DDL on it: the DDL's lock is held until the ${verb} finishes.`,
        'Commit the DDL first; change data in separate transactions.',
      ),
    );
  }
  return a;
}

async function dml(
  stmt: PgStatement,
  index: number,
  rules: PgRules,
  verb: 'UPDATE' | 'DELETE',
): Promise<StatementAnalysis> {
  const rv = stmt.node.relation as RangeVar;
  const { ref, createdHere } = await resolve(rv, rules);
  return dataChange(stmt, blankAnalysis(index, stmt.text, verb), ref, createdHere, rules, verb);
}

async function truncate(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  const a = blankAnalysis(index, stmt.text, 'TRUNCATE');
  const rels = ((stmt.node.relations as PgNode[] | undefined) ?? []).map((r) => r.RangeVar as RangeVar);
  for (const rv of rels) a.locks.push(lockOn('ACCESS EXCLUSIVE', keyOf((await resolve(rv, rules)).ref)));
  a.hazards.push(
    hazard(
      'truncate-table',
      'error',
      `TRUNCATE deletes every row of ${rels.map((r) => r.relname).join(', ')}.`,
      'Back up first; delete only what you mean, in batches.',
    ),
  );
  if (stmt.node.behavior === 'DROP_CASCADE')
    a.hazards.push(
      hazard(
        'ban-truncate-cascade',
        'error',
        'TRUNCATE ... CASCADE also empties every table that references these, recursively.',
        'List the tables to truncate explicitly.',
      ),
    );
  Object.assign(
    a.original,
    irreversible(
      'the rows are gone once committed',
      `pg_dump --data-only ${rels.map((r) => `--table=${r.relname}`).join(' ')}`,
    ),
  );
  return a;
}

function maintenance(stmt: PgStatement, index: number, rules: PgRules): StatementAnalysis {
  const n = stmt.node;
  const a = blankAnalysis(index, stmt.text, stmt.type.replace('Stmt', '').toUpperCase());
  const opts = (((n.options ?? n.params) as PgNode[] | undefined) ?? []).map((o) =>
    String((o.DefElem as PgNode | undefined)?.defname ?? ''),
  );
  if (stmt.type === 'VacuumStmt') {
    a.transactional = false;
    a.original.transactional = false;
    if (rules.inTransaction && n.is_vacuumcmd)
      a.hazards.push(
        hazard(
          'vacuum-in-transaction',
          'error',
          'VACUUM cannot run inside a transaction block: it fails.',
          'Run it alone.',
        ),
      );
    if (opts.includes('full')) {
      a.locks.push(lockOn('ACCESS EXCLUSIVE', null));
      work(a, 'rewrite');
      a.hazards.push(
        hazard(
          'prefer-repack',
          'error',
          'VACUUM FULL rewrites the table under ACCESS EXCLUSIVE: reads and writes wait.',
          'pg_repack or pg_squeeze (PG19: REPACK CONCURRENTLY).',
        ),
      );
    } else a.locks.push(lockOn('SHARE UPDATE EXCLUSIVE', null));
    return a;
  }
  if (stmt.type === 'ClusterStmt') {
    a.locks.push(lockOn('ACCESS EXCLUSIVE', (n.relation as RangeVar | undefined)?.relname ?? null));
    work(a, 'rewrite');
    a.hazards.push(
      hazard(
        'prefer-repack',
        'error',
        'CLUSTER rewrites the table under ACCESS EXCLUSIVE: reads and writes wait.',
        'pg_repack (PG19: REPACK CONCURRENTLY).',
      ),
    );
    return a;
  }
  // ReindexStmt
  work(a, 'index-build');
  if (opts.includes('concurrently')) {
    a.transactional = false;
    a.original = {
      ...a.original,
      transactional: false,
      dry_run_body: [removeToken(stmt.lexed, findToken(stmt.lexed, ['concurrently']))],
    };
    a.locks.push(lockOn('SHARE UPDATE EXCLUSIVE', null));
    return a;
  }
  a.locks.push(lockOn('SHARE', null));
  a.hazards.push(
    hazard(
      'require-concurrent-reindex',
      'warning',
      'REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) while it rebuilds.',
      'REINDEX ... CONCURRENTLY (PG12+, outside a transaction).',
    ),
  );
  const kw = findToken(stmt.lexed, ['index', 'table', 'schema', 'database', 'system']);
  if (rules.version >= 120000 && kw >= 0)
    a.safer = [
      step(insertAfter(stmt.lexed, kw, 'CONCURRENTLY'), 'rebuild CONCURRENTLY', null, {
        transactional: false,
        dry_run_body: [stmt.text],
        long_running: true,
      }),
    ];
  return a;
}

function refresh(stmt: PgStatement, index: number): StatementAnalysis {
  const a = blankAnalysis(index, stmt.text, 'REFRESH MATERIALIZED VIEW');
  const rv = stmt.node.relation as RangeVar;
  a.scan = true;
  if (stmt.node.concurrent) {
    a.locks.push(lockOn('EXCLUSIVE', rv.relname));
    a.transactional = true;
    return a;
  }
  a.locks.push(lockOn('ACCESS EXCLUSIVE', rv.relname));
  a.hazards.push(
    hazard(
      'refresh-matview-without-concurrently',
      'warning',
      `REFRESH MATERIALIZED VIEW ${rv.relname} takes ACCESS EXCLUSIVE: reads of the view wait for the whole refresh.`,
      'REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view).',
    ),
  );
  return a;
}

async function createTable(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  const rv =
    stmt.type === 'CreateTableAsStmt' ? ((stmt.node.into as PgNode).rel as RangeVar) : (stmt.node.relation as RangeVar);
  const ref = { schema: rv.schemaname ?? rules.defaultSchema, name: rv.relname };
  const a = blankAnalysis(index, stmt.text, stmt.type === 'CreateTableAsStmt' ? 'CREATE TABLE AS' : 'CREATE TABLE');
  const exists = await rules.catalog.table(rv.schemaname, rv.relname);
  if (!exists) rules.created.add(keyOf(ref));
  a.original.rollback = `DROP TABLE IF EXISTS ${written(rv)}`;
  const parents = (stmt.node.inhRelations as PgNode[] | undefined) ?? [];
  if (stmt.node.partbound && parents.length) {
    const parent = parents[0]!.RangeVar as RangeVar;
    a.locks.push(lockOn('ACCESS EXCLUSIVE', parent.relname));
    a.hazards.push(
      hazard(
        'create-partition-of',
        'info',
        `CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE on ${parent.relname}.`,
        'Create the table alone, add a CHECK matching the bound, then ATTACH PARTITION (SHARE UPDATE EXCLUSIVE on the parent).',
      ),
    );
  }
  return a;
}

const SAFE_KINDS: Record<string, string> = {
  ViewStmt: 'CREATE VIEW',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CommentStmt: 'COMMENT',
  GrantStmt: 'GRANT',
  CreateSeqStmt: 'CREATE SEQUENCE',
  CreateEnumStmt: 'CREATE TYPE',
  CompositeTypeStmt: 'CREATE TYPE',
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreateExtensionStmt: 'CREATE EXTENSION',
  InsertStmt: 'INSERT',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateTrigStmt: 'CREATE TRIGGER',
  AlterOwnerStmt: 'ALTER OWNER',
  CreatePolicyStmt: 'CREATE POLICY',
};

function generic(stmt: PgStatement, index: number, rules: PgRules): StatementAnalysis {
  const kind = SAFE_KINDS[stmt.type] ?? stmt.type.replace(/Stmt$/, '');
  const a = blankAnalysis(index, stmt.text, kind);
  const n = stmt.node;
  if (stmt.type === 'ViewStmt') {
    const v = n.view as RangeVar;
    rules.created.add(keyOf({ schema: v.schemaname ?? rules.defaultSchema, name: v.relname }));
    a.original.rollback = n.replace ? null : `DROP VIEW IF EXISTS ${written(v)}`;
  } else if (stmt.type === 'CreateTrigStmt') {
    const rv = n.relation as RangeVar;
    a.locks.push(lockOn('SHARE ROW EXCLUSIVE', rv.relname));
    a.original.rollback = `DROP TRIGGER IF EXISTS ${quoteIdent(String(n.trigname))} ON ${written(rv)}`;
  } else if (stmt.type === 'InsertStmt') {
    Object.assign(
      a.original,
      irreversible('inserted rows are not tracked; delete them by key to undo', 'none needed for new rows'),
    );
  } else if (stmt.type === 'CreateSchemaStmt') {
    a.original.rollback = `DROP SCHEMA IF EXISTS ${quoteIdent(String(n.schemaname))}`;
  } else if (stmt.type === 'DoStmt') {
    a.hazards.push(
      hazard(
        'execute',
        'warning',
        'A DO block cannot be inspected: its locks and data changes are unknown.',
        'Write the DDL as plain statements, or review the block by hand.',
      ),
    );
    a.transactional = true;
    Object.assign(a.original, irreversible('what the block does is unknown', 'pg_dump of the tables it touches'));
  } else if (stmt.type === 'AlterDomainStmt' && n.subtype === 'C') {
    a.hazards.push(
      hazard(
        'ban-alter-domain-with-add-constraint',
        'warning',
        'ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain, in every table, under lock.',
        'Put the CHECK on the columns (NOT VALID, then VALIDATE).',
      ),
    );
  } else if (stmt.type === 'DropdbStmt') {
    a.hazards.push(
      hazard(
        'ban-drop-database',
        'error',
        `DROP DATABASE ${String(n.dbname)} deletes the whole database.`,
        'Never in a migration.',
      ),
    );
    a.transactional = false;
  } else if (!SAFE_KINDS[stmt.type]) {
    a.notes.push(`no specific rule for ${kind}: review its locks by hand`);
  }
  return a;
}

export async function analyzeOther(stmt: PgStatement, index: number, rules: PgRules): Promise<StatementAnalysis> {
  switch (stmt.type) {
    case 'IndexStmt':
      return createIndex(stmt, index, rules);
    case 'DropStmt':
      return drop(stmt, index, rules);
    case 'RenameStmt':
      return rename(stmt, index, rules);
    case 'AlterEnumStmt':
      return alterEnum(stmt, index, rules);
    case 'UpdateStmt':
      return dml(stmt, index, rules, 'UPDATE');
    case 'DeleteStmt':
      return dml(stmt, index, rules, 'DELETE');
    case 'TruncateStmt':
      return truncate(stmt, index, rules);
    case 'VacuumStmt':
    case 'ClusterStmt':
    case 'ReindexStmt':
      return maintenance(stmt, index, rules);
    case 'RefreshMatViewStmt':
      return refresh(stmt, index);
    case 'CreateStmt':
    case 'CreateTableAsStmt':
      return createTable(stmt, index, rules);
    default:
      return generic(stmt, index, rules);
  }
}
