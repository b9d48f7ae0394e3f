/**
 * review_migration: the workflow for a schema change: plan it, read the hazards and data checks
 * with the user, prefer the safer steps, and apply only through apply_migration and a person.
 */
import type { PromptDef } from './types.js';

const fence = (sql: string) => {
  const ticks = '`'.repeat(Math.max(3, ...[...sql.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}sql\n${sql.trim()}\n${ticks}`;
};

export const reviewMigration: PromptDef = {
  name: 'review_migration',
  title: 'Review a schema migration',
  description:
    'Plan a migration with plan_migration, review its locks, hazards and data checks, and apply the safer plan through apply_migration (a person approves it).',
  arguments: [
    { name: 'sql', description: "The migration (one or more statements) in the source's dialect.", required: true },
    {
      name: 'source',
      description: 'The source it is for (list_sources names them); optional when only one is configured.',
      required: false,
    },
    { name: 'name', description: 'A name for the migration, recorded in the history table.', required: false },
  ],
  messages({ sql = '', source, name }) {
    const args = [
      `"sql": <the migration>`,
      ...(source ? [`"source": ${JSON.stringify(source)}`] : []),
      ...(name ? [`"name": ${JSON.stringify(name)}`] : []),
    ].join(', ');
    const text = [
      `Review this migration${source ? ` for source \`${source}\`` : ''} before it goes anywhere near production:`,
      '',
      fence(sql),
      '',
      'Work through it in this order and show me each result:',
      '',
      `1. Call \`plan_migration\` with {${args}}. It changes nothing.`,
      '2. For each statement: the lock it takes and what that blocks (reads, writes), whether it rewrites or scans the table, and the estimated time from the real table size. Say plainly which statements would block the application and for how long.',
      '3. Go through the hazards, errors first: what each means here and its safer way. Do not wave away an error; if you think it is a false alarm, say why.',
      '4. Read the data checks: any rows that would make a statement fail (NULLs, duplicates, orphans, values too long)? Show the samples and propose the fix (a backfill, a cleanup) as its own migration.',
      "5. Compare the statements as written with the plan's steps (the safer rewrite: CONCURRENTLY, NOT VALID + VALIDATE, expand/contract). Point out steps marked irreversible and the backup to take first, and steps that need an application deploy in between (renames, drops).",
      '6. Report the dry run. If it failed, stop and fix the migration. If it was not run (read-only source, or MySQL/MariaDB DDL that cannot be rolled back), say so.',
      "7. If migration tools are listed (Flyway, Liquibase, Prisma, Rails, Alembic, Knex, Drizzle, golang-migrate), remind me to add the change to that tool's files too.",
      '8. Only if I agree: call `apply_migration` with the plan_id. A person must approve it (a dialog, or `dba-mcp approvals approve <id>` in a terminal). Then `get_change` shows what was applied; if a step failed, show the report (applied steps, the failed step, rollbacks) and do not retry blindly.',
    ].join('\n');
    return [{ role: 'user', content: { type: 'text', text } }];
  },
};
