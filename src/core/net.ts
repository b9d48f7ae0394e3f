/** Network facts shared by the config check and the HTTP transport. */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** A host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}
