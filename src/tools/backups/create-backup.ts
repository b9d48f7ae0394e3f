import { z } from 'zod';
import { createBackup } from './create.js';
import { requireBackupSetup } from './setup.js';
import { defineTool } from '../define-tool.js';
import { MAX_TABLES_SHOWN, TableCountSchema } from './output-schemas.js';

export const createBackupTool = defineTool({
  name: 'create_backup',
  title: 'Make a backup',
  description:
    "Back up the source into its backups.dir with the engine's own tool: pg_dump --format=custom (PostgreSQL; rows counted in the very snapshot pg_dump dumps), mariadb-dump/mysqldump --single-transaction (MySQL/MariaDB; the DSN's database), or SQLite's online backup API. " +
    'Beside the file goes <file>.manifest.json: time, source, server version, size, sha256 and the row count of every table, which verify_backup checks against. ' +
    'The database is only read (so it runs on a read-only source too); it writes files on the machine running dba-mcp, never to the database. ' +
    'Sends progress notifications (tables dumped) when the request carries a progressToken. A missing client program (pg_dump, mariadb-dump) is an error that says how to install it.',
  scope: 'source',
  access: 'read',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false }, // reads the database, writes a backup file
  input: {},
  output: {
    file: z.string().describe('The backup file name in the backup dir'),
    path: z.string(),
    manifest_path: z.string(),
    created_at: z.string(),
    duration_ms: z.number(),
    size_bytes: z.number(),
    sha256: z.string(),
    server_version: z.string(),
    format: z.string(),
    tool: z.string(),
    counts_from: z.string(),
    table_count: z.number().int(),
    row_count_total: z.number(),
    tables: z.array(TableCountSchema).describe(`Rows per table (the first ${MAX_TABLES_SHOWN}; the manifest has all)`),
  },
  async run(_args, ctx) {
    const setup = requireBackupSetup(ctx);
    const created = await createBackup(setup, await ctx.engine.serverInfo());
    const m = created.manifest;
    return {
      file: m.file,
      path: created.path,
      manifest_path: created.manifestPath,
      created_at: m.created_at,
      duration_ms: m.duration_ms,
      size_bytes: m.size_bytes,
      sha256: m.sha256,
      server_version: m.server_version,
      format: m.format,
      tool: m.tool,
      counts_from: m.counts_from,
      table_count: m.tables.length,
      row_count_total: created.rows,
      tables: m.tables.slice(0, MAX_TABLES_SHOWN),
    };
  },
  render: (out) =>
    [
      `backup ${out.file}: ${out.size_bytes} bytes in ${(out.duration_ms / 1000).toFixed(1)} s (${out.format}, ${out.tool})`,
      `path: ${out.path}`,
      `sha256: ${out.sha256}`,
      `${out.table_count} table(s), ${out.row_count_total} rows (counted in ${out.counts_from}); manifest: ${out.manifest_path}`,
      'Next: verify_backup restores it into a scratch target to prove it.',
    ].join('\n'),
});
