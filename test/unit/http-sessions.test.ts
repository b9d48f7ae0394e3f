import { describe, expect, it } from 'vitest';
import { evictIdle, evictOldest, type Session } from '../../src/transports/http-sessions.js';

function table(lastSeen: Record<string, number>) {
  const closed: string[] = [];
  const sessions = new Map<string, Session>(
    Object.entries(lastSeen).map(([id, seen]) => [
      id,
      { server: null, lastSeen: seen, transport: { close: async () => void closed.push(id) } },
    ]),
  );
  return { sessions, closed };
}

describe('HTTP session eviction', () => {
  it('closes sessions idle past the timeout and keeps the others', () => {
    const { sessions, closed } = table({ old: 0, recent: 9_500, fresh: 10_000 });
    evictIdle(sessions, 1_000, 10_000);
    expect([...sessions.keys()]).toEqual(['recent', 'fresh']);
    expect(closed).toEqual(['old']);
  });

  it('makes room at the cap by closing the longest idle session', () => {
    const { sessions, closed } = table({ a: 50, b: 10, c: 30 });
    evictOldest(sessions);
    expect(closed).toEqual(['b']);
    expect([...sessions.keys()]).toEqual(['a', 'c']);
  });
});
