/**
 * Starting and stopping the server: the demo database, the sources, the audit sink, the
 * transport, the start-up summary on stderr, and a clean shutdown on SIGINT/SIGTERM.
 */
import { nullAuditSink } from './audit/index.js';
import type { LoadedConfig } from './config/load.js';
import { createLogger, type Logger } from './logging.js';
import { createServer, type ServerDeps } from './server.js';
import { Sources } from './sources.js';
import { startStdio, type Running } from './transports/stdio.js';
import { VERSION } from './version.js';

function summary(loaded: LoadedConfig, address: string): string {
  const lines = [`dba-mcp ${VERSION} listening on ${address} (state: ${loaded.stateDir})`];
  for (const s of loaded.sources) {
    lines.push(`  source ${s.id}: ${s.parsed.engine} ${s.redactedDsn} [${s.mode}]${loaded.demo ? ' (embedded demo database)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Connects each source in the background, to report its server version or why it is unreachable. */
function announceSources(sources: Sources, logger: Logger): void {
  for (const source of sources.list) {
    sources
      .engine(source)
      .then((engine) => engine.serverInfo())
      .then((info) => process.stderr.write(`  source ${source.id}: connected, ${info.variant} ${info.version}\n`))
      .catch((err: Error & { hint?: string }) => logger.warn({ source: source.id, err: err.message, hint: err.hint }, 'source unreachable; calls to it will fail until it is back'));
  }
}

export async function startServer(loaded: LoadedConfig): Promise<void> {
  const logger = createLogger({ level: loaded.config.log.level, ...(loaded.config.log.file ? { file: loaded.config.log.file } : {}) });
  if (loaded.demo) (await import('./engines/sqlite/demo-shop.js')).ensureDemoShop(loaded.stateDir);
  const sources = new Sources(loaded.sources, { logger });
  const deps: ServerDeps = { config: loaded, sources, audit: nullAuditSink, logger };
  const state: { running?: Running; stopping?: boolean } = {};
  const stop = async (reason: string) => {
    if (state.stopping) return;
    state.stopping = true;
    logger.info({ reason }, 'shutting down');
    await state.running?.close().catch(() => {});
    await sources.closeAll();
    await deps.audit.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const transport = loaded.config.transport;
  const running = transport.type === 'http'
    ? await (await import('./transports/http.js')).startHttp(transport, () => createServer(deps), logger)
    : await startStdio(createServer(deps), () => void stop('stdin closed'));
  state.running = running;
  process.stderr.write(summary(loaded, running.address));
  announceSources(sources, logger);
}
