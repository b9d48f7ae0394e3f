/**
 * The approval console over HTTP, for a person: GET /admin/approvals (pending changes), GET
 * /admin/approvals/<id>, POST /admin/approvals/<id>/approve|reject. It takes its own bearer token
 * (transport.admin_token), never the MCP token, so nothing a model's client holds can approve.
 * Deciding only records the decision; the server's executor runs an approved change once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerMatches } from './http-guard.js';

export interface ApprovalConsole {
  list(): unknown[];
  show(id: string): unknown | undefined;
  /** Throws with a message a person can read when the change cannot be decided (unknown, decided, expired, changed). */
  decide(id: string, decision: 'approved' | 'rejected', by: string, sha256: string | undefined): unknown;
}

const ROUTE = /^\/admin\/approvals(?:\/([A-Za-z0-9]+)(?:\/(approve|reject))?)?$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 10_000) throw new Error('body too large');
  }
  if (!text.trim()) return {};
  const body = JSON.parse(text) as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** Handles an /admin request; false when the path is not the console's. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  token: string | undefined,
  console: ApprovalConsole,
): Promise<boolean> {
  const route = ROUTE.exec(path);
  if (!route) return false;
  if (!token)
    return (
      send(res, 404, { error: 'the approval console is off: set transport.admin_token (or DBA_MCP_ADMIN_TOKEN)' }),
      true
    );
  if (!bearerMatches(req, token)) return (send(res, 401, { error: 'missing or wrong admin token' }), true);
  const [, id, action] = route;
  if (req.method === 'GET' && !action) {
    if (!id) return (send(res, 200, { changes: console.list() }), true);
    const change = console.show(id);
    return (send(res, change ? 200 : 404, change ?? { error: `no change ${id}` }), true);
  }
  if (req.method !== 'POST' || !id || !action)
    return (
      send(res, 405, { error: 'use GET /admin/approvals[/ID] or POST /admin/approvals/ID/approve|reject' }),
      true
    );
  try {
    const body = await readJson(req);
    const who = typeof body.by === 'string' ? body.by.replace(/[^\w .@-]/g, '').slice(0, 80) : '';
    const sha256 = typeof body.sha256 === 'string' ? body.sha256 : undefined;
    const decided = console.decide(
      id,
      action === 'approve' ? 'approved' : 'rejected',
      `${who || 'admin'} (http console)`,
      sha256,
    );
    send(res, 200, decided);
  } catch (err) {
    send(res, 409, { error: (err as Error).message });
  }
  return true;
}
