import {
  renderSessionAction,
  requestSessionAction,
  SessionActionInput,
  SessionActionOutput,
} from './session-request.js';
import { defineTool } from '../define-tool.js';

export const cancelQuery = defineTool({
  name: 'cancel_query',
  title: 'Cancel a running statement (a person approves it)',
  description:
    'Ask to cancel the statement a server session is running (PostgreSQL pg_cancel_backend, MySQL/MariaDB KILL QUERY); the session stays connected. ' +
    'It never runs directly: it becomes a pending change that runs once, only after a person approves it (a dialog of the client when it supports elicitation, otherwise `dba-mcp approvals approve <id>`). ' +
    'Take the pid from check_health (long_queries, blocking). Needs a read-write source; SQLite has no sessions.',
  scope: 'source',
  access: 'admin',
  input: SessionActionInput,
  output: SessionActionOutput,
  run: ({ pid, reason }, ctx) => requestSessionAction('cancel', pid, reason, ctx),
  render: renderSessionAction,
});
