/** Every tool the server offers, in listing order. Adding a tool: one file plus one line here. */
import type { ToolDef } from './define-tool.js';
import type { ChangeRunners } from '../approvals/runners.js';
import { runSqlChange } from './changes/run-sql-change.js';
import { runMigrationChange } from './migrations/run-change.js';
import { runSessionAction } from './health/session-action.js';
import { analyzeQuery } from './analyze/analyze-query.js';
import { applyMigration } from './migrations/apply-migration.js';
import { cancelQuery } from './health/cancel-query.js';
import { checkBackups } from './backups/check-backups.js';
import { checkHealth } from './health/check-health.js';
import { checkSecurity } from './health/check-security.js';
import { createBackupTool } from './backups/create-backup.js';
import { describeSchema } from './schema/describe-schema.js';
import { getChange } from './changes/get-change.js';
import { listSources } from './schema/list-sources.js';
import { planMigrationTool } from './migrations/plan-migration.js';
import { proposeIndex } from './index-advice/propose-index.js';
import { requestChange } from './changes/request-change.js';
import { runQuery } from './query/run-query.js';
import { terminateSession } from './health/terminate-session.js';
import { topQueries } from './health/top-queries.js';
import { verifyBackupTool } from './backups/verify-backup.js';

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

/** How an approved change of each kind runs, for the approval path (elicitation and the executor). */
export const CHANGE_RUNNERS: ChangeRunners = {
  sql: runSqlChange,
  migration: runMigrationChange,
  session_action: runSessionAction,
};
