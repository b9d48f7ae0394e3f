/**
 * The real server and the real SDK client, linked in memory: the whole pipeline (arguments,
 * guards, engines on real databases, results) without spawning a process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { nullAuditSink, type AuditSink } from '../../src/audit/index.js';
import type { LoadedConfig, ResolvedSource } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logging.js';
import { createServer } from '../../src/server.js';
import { Sources } from '../../src/sources.js';
import { ApprovalStore } from '../../src/approvals/store.js';

export interface Harness {
  client: Client;
  sources: Sources;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Where approvals live (default: a directory that does not exist). */
  stateDir?: string;
  /** Client capabilities to declare, e.g. { elicitation: {} }. */
  capabilities?: ClientCapabilities;
  /** Called with the client before it connects, e.g. to set an elicitation handler. */
  setup?(client: Client): void;
}

export async function connect(
  sources: ResolvedSource[],
  audit: AuditSink = nullAuditSink,
  opts: ConnectOptions = {},
): Promise<Harness> {
  const logger = createLogger({ level: 'silent' });
  const registry = new Sources(sources, { logger });
  const config = {
    sources,
    stateDir: opts.stateDir ?? '/nonexistent',
    demo: false,
    config: {},
  } as unknown as LoadedConfig;
  const server = createServer({
    config,
    sources: registry,
    audit,
    logger,
    approvals: new ApprovalStore(config.stateDir),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: 'test', version: '0' },
    opts.capabilities ? { capabilities: opts.capabilities } : undefined,
  );
  opts.setup?.(client);
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    sources: registry,
    call: (name, args) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    async close() {
      await client.close();
      await registry.closeAll();
    },
  };
}

/** The `{code, message, hint}` of an isError result, or undefined for a success. */
export function errorOf(result: CallToolResult): { code: string; message: string; hint: string } | undefined {
  if (!result.isError) return undefined;
  const first = result.content[0];
  return JSON.parse(first && first.type === 'text' ? first.text : '{}') as {
    code: string;
    message: string;
    hint: string;
  };
}
