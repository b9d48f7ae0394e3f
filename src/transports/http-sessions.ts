/** The HTTP transport's session table: idle sessions are closed, and at the cap the longest idle one. */

export interface Session {
  transport: { close(): Promise<void> };
  server: unknown;
  lastSeen: number;
}

/**
 * Sessions a client abandoned (most clients close without DELETE) are closed after the idle
 * timeout; at the session cap, the longest idle one makes room.
 */
export function evictIdle(sessions: Map<string, Session>, idleMs: number, now = Date.now()): void {
  for (const [id, session] of sessions) {
    if (now - session.lastSeen > idleMs) {
      sessions.delete(id);
      void session.transport.close();
    }
  }
}

export function evictOldest(sessions: Map<string, Session>): void {
  const oldest = [...sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0];
  if (!oldest) return;
  sessions.delete(oldest[0]);
  void oldest[1].transport.close();
}
