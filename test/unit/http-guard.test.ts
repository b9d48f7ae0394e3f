import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../src/core/net.js';
import { createHttpGuard } from '../../src/transports/http-guard.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('HTTP guard', () => {
  const guard = createHttpGuard({
    host: '127.0.0.1',
    port: 8377,
    allowedHosts: ['db-tools.internal:8377'],
    allowedOrigins: [],
    token: undefined,
  });

  it('accepts loopback Host headers for its own port and configured extras', () => {
    for (const host of ['127.0.0.1:8377', 'localhost:8377', '[::1]:8377', 'db-tools.internal:8377'])
      expect(guard(request({ host }))).toBeUndefined();
  });

  it('refuses other hosts (DNS rebinding) and other ports', () => {
    expect(guard(request({ host: 'evil.example' }))?.status).toBe(403);
    expect(guard(request({ host: 'localhost:9999' }))?.status).toBe(403);
    expect(guard(request({}))?.status).toBe(403);
  });

  it('refuses browser origins that are not ours', () => {
    expect(guard(request({ host: 'localhost:8377', origin: 'http://evil.example' }))?.status).toBe(403);
    expect(guard(request({ host: 'localhost:8377', origin: 'http://localhost:8377' }))).toBeUndefined();
  });

  it('requires the bearer token when one is set', () => {
    const withToken = createHttpGuard({
      host: '0.0.0.0',
      port: 80,
      allowedHosts: [],
      allowedOrigins: [],
      token: 't'.repeat(32),
    });
    expect(withToken(request({ host: '127.0.0.1:80' }))?.status).toBe(401);
    expect(withToken(request({ host: '127.0.0.1:80', authorization: `Bearer ${'t'.repeat(31)}x` }))?.status).toBe(401);
    expect(withToken(request({ host: '127.0.0.1:80', authorization: `Bearer ${'t'.repeat(32)}` }))).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com'].some(isLoopback)).toBe(false);
  });
});
