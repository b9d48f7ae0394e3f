/** Every tool the server offers, in listing order. Adding a tool: one file plus one line here. */
import type { ToolDef } from './define-tool.js';
import { analyzeQuery } from './analyze-query.js';
import { applyMigration } from './apply-migration.js';
import { cancelQuery } from './cancel-query.js';
import { checkBackups } from './check-backups.js';
import { checkHealth } from './check-health.js';
import { checkSecurity } from './check-security.js';
import { createBackupTool } from './create-backup.js';
import { describeSchema } from './describe-schema.js';
import { getChange } from './get-change.js';
import { listSources } from './list-sources.js';
import { planMigrationTool } from './plan-migration.js';
import { proposeIndex } from './propose-index.js';
import { requestChange } from './request-change.js';
import { runQuery } from './run-query.js';
import { terminateSession } from './terminate-session.js';
import { topQueries } from './top-queries.js';
import { verifyBackupTool } from './verify-backup.js';

export const TOOLS: readonly ToolDef[] = [
  // the schema and reads
  listSources,
  describeSchema,
  runQuery,
  // why is it slow, and what index
  analyzeQuery,
  proposeIndex,
  // changes: planned, then run only after a person approves
  planMigrationTool,
  applyMigration,
  requestChange,
  getChange,
  // backups
  checkBackups,
  createBackupTool,
  verifyBackupTool,
  // health, workload, security, and session actions (approved)
  checkHealth,
  topQueries,
  checkSecurity,
  cancelQuery,
  terminateSession,
] as unknown as readonly ToolDef[];
