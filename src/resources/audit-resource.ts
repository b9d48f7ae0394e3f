/**
 * dba://audit/recent: the latest audit records (as written: secrets and, if configured, SQL
 * literals already redacted) and the state of the audit log, so a client can see an outage.
 */
import type { AuditSink } from '../audit/index.js';
import type { ResourceInfo } from './types.js';

export const AUDIT_RECENT_URI = 'dba://audit/recent';
const RECENT = 50;

export const auditRecentResource: ResourceInfo = {
  uri: AUDIT_RECENT_URI,
  name: 'audit: recent records',
  description: `The latest ${RECENT} audit records (tool calls, resource reads, server events), oldest first, and whether the audit log can be written`,
  mimeType: 'application/json',
};

export function readAuditRecent(audit: AuditSink): unknown {
  return { status: audit.status(), records: audit.recent(RECENT) };
}
