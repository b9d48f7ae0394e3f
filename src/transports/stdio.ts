import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

export interface Running {
  /** Where clients reach the server, for the start-up summary. */
  address: string;
  close(): Promise<void>;
}

/** Serves one client over stdin/stdout. stdout carries JSON-RPC only; the client closing stdin ends the server. */
export async function startStdio(server: Server, onClientGone: () => void): Promise<Running> {
  const transport = new StdioServerTransport();
  await server.connect(transport);
  process.stdin.once('end', onClientGone);
  return { address: 'stdio', close: () => server.close() };
}
