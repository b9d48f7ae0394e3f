/**
 * Starting and stopping the server: the audit sink (with start, config and stop records), the
 * demo database, the sources, the transport, the start-up summary on stderr, and a clean
 * shutdown on SIGINT/SIGTERM.
 */
import { startApprovalExecutor } from './approvals/executor.js';
import { ApprovalStore } from './approvals/store.js';
import { DEMO } from './engines/registry.js';
import { CHANGE_RUNNERS } from './tools/index.js';
import type { ApprovalConsole } from './transports/http-admin.js';

/** The HTTP console's view of the store: pending changes, one change, and a person's decision (path 'http'). */
function approvalConsole(store: ApprovalStore): ApprovalConsole {
  return {
    list: () => store.list().filter((c) => c.status === 'pending'),
    show: (id) => {
      try {
        return store.get(id);
      } catch {
        return undefined;
      }
    },
    decide: (id, decision, by, sha256) => store.decide(id, decision, by, 'http', sha256 ? { sha256 } : {}),
  };
}
import type { AuditStatus } from './audit/index.js';
import { configSummary, openAuditSink, recordServerEvent, startDetails } from './audit/setup.js';
import type { LoadedConfig } from './config/load.js';
import { createLogger, type Logger } from './core/logging.js';
import { createServer, type ServerDeps } from './server.js';
import { Sources } from './sources.js';
import { startStdio, type Running } from './transports/stdio.js';
import { VERSION } from './core/version.js';

function summary(loaded: LoadedConfig, address: string, audit: AuditStatus): string {
  const lines = [`dba-mcp ${VERSION} listening on ${address} (state: ${loaded.stateDir})`];
  lines.push(
    audit.state === 'failed'
      ? `  audit: UNAVAILABLE (${audit.error}): calls are refused until ${audit.file} can be written`
      : `  audit: ${audit.state === 'ok' ? audit.file : 'off'}`,
  );
  for (const s of loaded.sources) {
    lines.push(
      `  source ${s.id}: ${s.parsed.engine} ${s.redactedDsn} [${s.mode}]${loaded.demo ? ' (embedded demo database)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Connects each source in the background, to report its server version and its login's posture, or why it is unreachable. */
function announceSources(sources: Sources, logger: Logger): void {
  for (const source of sources.list) {
    sources
      .engine(source)
      .then(async (engine) => {
        const info = await engine.serverInfo();
        const posture = await engine.posture();
        const risks = posture.findings.filter((f) => f.severity !== 'info');
        const note = risks.length
          ? `; WARNING: login ${posture.login} can do more than read (${risks.map((f) => f.id).join(', ')})${source.privilege_check === 'enforce' ? ', so calls are refused (privilege_check: enforce)' : ''}`
          : '';
        process.stderr.write(`  source ${source.id}: connected, ${info.variant} ${info.version}${note}\n`);
      })
      .catch((err: Error & { hint?: string }) =>
        logger.warn(
          { source: source.id, err: err.message, hint: err.hint },
          'source unreachable; calls to it will fail until it is back',
        ),
      );
  }
}

/** Audit problems go to stderr (even when the log goes to a file), and to the log file too. */
function auditReporter(loaded: LoadedConfig, logger: Logger): (message: string) => void {
  return (message) => {
    process.stderr.write(`${message}\n`);
    if (loaded.config.log.file) logger.warn(message);
  };
}

export async function startServer(loaded: LoadedConfig): Promise<void> {
  const logger = createLogger({
    level: loaded.config.log.level,
    ...(loaded.config.log.file ? { file: loaded.config.log.file } : {}),
  });
  const audit = await openAuditSink(loaded, auditReporter(loaded, logger));
  await recordServerEvent(audit, 'start', startDetails(loaded));
  await recordServerEvent(audit, 'config', configSummary(loaded));
  if (loaded.demo) await DEMO.ensure(loaded.stateDir);
  const sources = new Sources(loaded.sources, { logger });
  const approvals = new ApprovalStore(loaded.stateDir, loaded.config.approvals.ttl_minutes);
  const deps: ServerDeps = { config: loaded, sources, audit, logger, approvals };
  // Approved changes are run by the server (the CLI only records decisions); only read-write sources have any.
  const executor = sources.list.some((s) => s.mode === 'read-write')
    ? startApprovalExecutor({ store: approvals, sources, audit, logger, runners: CHANGE_RUNNERS })
    : undefined;
  const state: { running?: Running; stopping?: boolean } = {};
  const stop = async (reason: string) => {
    if (state.stopping) return;
    state.stopping = true;
    logger.info({ reason }, 'shutting down');
    await state.running?.close().catch(() => {});
    await executor?.stop();
    await sources.closeAll();
    await recordServerEvent(audit, 'stop', { reason });
    await audit.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const transport = loaded.config.transport;
  const running =
    transport.type === 'http'
      ? await (
          await import('./transports/http.js')
        ).startHttp(
          transport,
          () => createServer(deps),
          logger,
          () => {
            const audit = deps.audit.status();
            return { ok: audit.state !== 'failed', audit };
          },
          approvalConsole(approvals),
        )
      : await startStdio(createServer(deps), () => void stop('stdin closed'));
  state.running = running;
  process.stderr.write(summary(loaded, running.address, audit.status()));
  announceSources(sources, logger);
}
