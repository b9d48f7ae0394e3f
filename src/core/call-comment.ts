/**
 * A SQLCommenter-style comment naming the call, put before each statement dba-mcp executes, so the
 * database's own logs (pg_stat_activity, the slow log, pg_stat_statements) line up with the audit
 * trail: `/*dba_mcp_call='<session>:<request>',dba_mcp_source='<source>'*\/`. It is added after
 * classification, to the text the guards already judged; values are reduced to [A-Za-z0-9_.:-],
 * so nothing in them can end the comment. It goes first: a trailing one would become part of an
 * unaliased SQLite column name.
 */
const SAFE = /[^A-Za-z0-9_.:-]/g;

export interface CallIds {
  sessionId: string | undefined;
  requestId: string;
  source: string;
}

export function callComment(ids: CallIds): string {
  const call = `${ids.sessionId ?? 'stdio'}:${ids.requestId}`.replace(SAFE, '_');
  return `/*dba_mcp_call='${call}',dba_mcp_source='${ids.source.replace(SAFE, '_')}'*/`;
}

export function withCallComment(sql: string, ids: CallIds): string {
  return `${callComment(ids)}\n${sql}`;
}
