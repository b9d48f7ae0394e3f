import {
  renderSessionAction,
  requestSessionAction,
  SessionActionInput,
  SessionActionOutput,
} from './session-request.js';
import { defineTool } from '../define-tool.js';

export const terminateSession = defineTool({
  name: 'terminate_session',
  title: 'Terminate a session (a person approves it)',
  description:
    'Ask to disconnect a server session (PostgreSQL pg_terminate_backend, MySQL/MariaDB KILL): its open transaction is rolled back and its locks released, e.g. an idle-in-transaction session blocking others. ' +
    'It never runs directly: it becomes a pending change that runs once, only after a person approves it (a dialog of the client when it supports elicitation, otherwise `dba-mcp approvals approve <id>`). ' +
    'Take the pid from check_health (idle_in_transaction, blocking). Needs a read-write source; SQLite has no sessions.',
  scope: 'source',
  access: 'admin',
  input: SessionActionInput,
  output: SessionActionOutput,
  run: ({ pid, reason }, ctx) => requestSessionAction('terminate', pid, reason, ctx),
  render: renderSessionAction,
});
