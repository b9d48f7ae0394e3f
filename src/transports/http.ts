/**
 * Streamable HTTP on /mcp, one MCP server per session, and GET /healthz. Binds 127.0.0.1 by
 * default; a non-loopback address needs a bearer token, and every request passes the HTTP guard.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { TransportConfig } from '../config/schema.js';
import { ConfigError } from '../config/errors.js';
import type { Logger } from '../core/logging.js';
import { VERSION } from '../core/version.js';
import { isLoopback } from '../core/net.js';
import { createHttpGuard } from './http-guard.js';
import { handleAdmin, type ApprovalConsole } from './http-admin.js';
import { evictIdle, evictOldest, type Session } from './http-sessions.js';

interface LiveSession extends Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
}
import type { Running } from './stdio.js';

const MAX_SESSIONS = 256;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function rpcError(res: ServerResponse, status: number, message: string, code = -32000): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}

/** What /healthz reports beyond "up": `ok: false` (e.g. the audit log cannot be written) answers 503. */
export type HealthCheck = () => { ok: boolean; [detail: string]: unknown };

export async function startHttp(
  config: TransportConfig,
  makeServer: () => Server,
  logger: Logger,
  health: HealthCheck,
  approvals: ApprovalConsole,
): Promise<Running> {
  if (!isLoopback(config.host) && !config.auth_token) {
    throw new ConfigError(
      `refusing to listen on ${config.host} without transport.auth_token (or DBA_MCP_AUTH_TOKEN): anyone on the network could use your databases`,
    );
  }
  const sessions = new Map<string, LiveSession>();
  const idleMs = config.session_idle_timeout_s * 1000;
  const sweeper = setInterval(() => evictIdle(sessions, idleMs), Math.min(idleMs, 60_000));
  sweeper.unref();
  const httpServer = http.createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const guard = createHttpGuard({
    host: config.host,
    port,
    allowedHosts: config.allowed_hosts,
    allowedOrigins: config.allowed_origins,
    token: config.auth_token,
  });

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return rpcError(res, 404, 'session not found or expired; start a new one with initialize', -32001);
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return rpcError(res, 400, 'no mcp-session-id header: send initialize first');
    if (sessions.size >= MAX_SESSIONS) evictOldest(sessions);
    const server = makeServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, { transport, server, lastSeen: Date.now() }),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const admin = path.startsWith('/admin/');
    const refusal = guard(req, admin);
    if (refusal) return rpcError(res, refusal.status, refusal.message);
    if (admin) {
      handleAdmin(req, res, path, config.admin_token, approvals)
        .then((handled) => handled || sendJson(res, 404, { error: 'not found' }))
        .catch((err: Error) => {
          logger.error({ err: err.message }, 'admin request failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        });
      return;
    }
    if (path === '/healthz' && req.method === 'GET') {
      const { ok, ...details } = health();
      return sendJson(res, ok ? 200 : 503, {
        status: ok ? 'ok' : 'degraded',
        version: VERSION,
        sessions: sessions.size,
        ...details,
      });
    }
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not found; the MCP endpoint is /mcp' });
    handleMcp(req, res).catch((err: Error) => {
      logger.error({ err: err.message }, 'HTTP request failed');
      if (!res.headersSent) rpcError(res, 500, 'internal error', -32603);
    });
  });

  return {
    address: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/mcp`,
    async close() {
      clearInterval(sweeper);
      await Promise.allSettled([...sessions.values()].map((s) => s.transport.close()));
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
