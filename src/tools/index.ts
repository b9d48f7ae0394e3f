/** Every tool the server offers. Adding a tool: one file plus one line here. */
import type { ToolDef } from './define-tool.js';
import { describeSchema } from './describe-schema.js';
import { listSources } from './list-sources.js';
import { runQuery } from './run-query.js';
import { analyzeQuery } from './analyze-query.js';
import { requestChange } from './request-change.js';
import { getChange } from './get-change.js';
import { proposeIndex } from './propose-index.js';
import { checkBackups } from './check-backups.js';
import { createBackupTool } from './create-backup.js';
import { verifyBackupTool } from './verify-backup.js';
import { checkHealth } from './check-health.js';
import { topQueries } from './top-queries.js';
import { checkSecurity } from './check-security.js';
import { cancelQuery } from './cancel-query.js';
import { terminateSession } from './terminate-session.js';

export const TOOLS: readonly ToolDef[] = [listSources, describeSchema, runQuery, analyzeQuery, requestChange, getChange, proposeIndex, checkBackups, createBackupTool, verifyBackupTool, checkHealth, topQueries, checkSecurity, cancelQuery, terminateSession] as unknown as readonly ToolDef[];
