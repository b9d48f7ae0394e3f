/**
 * Who may talk to the HTTP transport: the Host header must name this server (DNS rebinding),
 * a browser's Origin must be one we serve, and with a token configured every request must carry it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface HttpGuardOptions {
  host: string;
  port: number;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  token: string | undefined;
}

export type Refusal = { status: number; message: string };

const bracket = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

export function allowedHostsFor(
  opts: Omit<HttpGuardOptions, 'allowedHosts' | 'allowedOrigins' | 'token'>,
  extra: readonly string[],
): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bracket(opts.host)]);
  const hosts = new Set<string>();
  for (const name of names) hosts.add(`${name}:${opts.port}`);
  for (const h of extra) hosts.add(h.toLowerCase());
  return hosts;
}

export function allowedOriginsFor(port: number, extra: readonly string[]): Set<string> {
  return new Set([
    `http://127.0.0.1:${port}`,
    `http://localhost:${port}`,
    `http://[::1]:${port}`,
    ...extra.map((o) => o.toLowerCase()),
  ]);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function bearerMatches(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!.trim()), digest(token));
}

/** Host and Origin checks, then the MCP token when one is set. `tokenless` paths (the admin endpoint) check their own token. */
export function createHttpGuard(
  opts: HttpGuardOptions,
): (req: IncomingMessage, tokenless?: boolean) => Refusal | undefined {
  const hosts = allowedHostsFor(opts, opts.allowedHosts);
  const origins = allowedOriginsFor(opts.port, opts.allowedOrigins);
  const tokenDigest = opts.token ? digest(opts.token) : undefined;
  return (req, tokenless = false) => {
    const host = req.headers.host?.toLowerCase();
    if (!host || !hosts.has(host))
      return {
        status: 403,
        message: `Host "${host ?? ''}" is not allowed (DNS-rebinding protection); allowed: ${[...hosts].join(', ')}. Add it to transport.allowed_hosts.`,
      };
    const origin = req.headers.origin?.toLowerCase();
    if (origin && !origins.has(origin))
      return { status: 403, message: `Origin "${origin}" is not allowed; add it to transport.allowed_origins.` };
    if (!tokenDigest || tokenless) return undefined;
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), tokenDigest))
      return { status: 401, message: 'missing or wrong bearer token' };
    return undefined;
  };
}
