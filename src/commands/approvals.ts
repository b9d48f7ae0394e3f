/**
 * `dba-mcp approvals <list|show|approve|reject>`: a person decides on changes the model asked for
 * with request_change. The command only records the decision in the store (by = OS user@host,
 * path 'cli'); the running server runs an approved change once and writes the audit log (one
 * writer per log). Output to stdout; usage errors to stderr with exit code 2; a refused decision
 * (unknown, already decided, expired) exits 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ApprovalError, ApprovalStore, localPerson, type StoredChange } from '../approvals/store.js';
import { interpolateEnv } from '../config/load.js';
import { defaultStateDir } from '../config/state-dir.js';
import { UsageError } from './audit-location.js';
import { dispatch } from './dispatch.js';

export const USAGE = `Usage:
  dba-mcp approvals list [--all] [--state-dir DIR | --config FILE]
      Pending changes (--all: every stored change), newest first.
  dba-mcp approvals show ID [--state-dir DIR | --config FILE]
      The exact SQL, the dry run, who asked, the expiry, the decision and the outcome.
  dba-mcp approvals approve ID [--state-dir DIR | --config FILE]
      Approve a pending change: the running dba-mcp server runs it once, exactly as shown.
  dba-mcp approvals reject ID [--state-dir DIR | --config FILE]
      Reject a pending change: it will never run.

Changes live in <state-dir>/approvals (state dir from --state-dir, DBA_MCP_STATE_DIR, the
config's state_dir, or the platform default): use the same one as the server.
`;

interface Opened {
  store: ApprovalStore;
  positionals: string[];
  all: boolean;
}

function open(argv: string[], env: NodeJS.ProcessEnv = process.env): Opened {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'state-dir': { type: 'string' }, config: { type: 'string' }, all: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  let fromConfig: string | undefined;
  if (values.config) {
    const file = path.resolve(values.config);
    let doc: unknown;
    try {
      doc = parseYaml(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read config ${file}: ${(err as Error).message}`);
    }
    const v = (doc as { state_dir?: unknown } | null)?.state_dir;
    if (typeof v === 'string') fromConfig = interpolateEnv(v, env, ['state_dir']) as string; // as the server resolves it
  }
  const stateDir = path.resolve(values['state-dir'] ?? env.DBA_MCP_STATE_DIR ?? fromConfig ?? defaultStateDir(env));
  return { store: new ApprovalStore(stateDir), positionals, all: values.all === true };
}

function describe(change: StoredChange, store: ApprovalStore): string {
  const status = store.effectiveStatus(change);
  const { dry_run: dry, requested_by: who, classification: c } = change;
  const rows =
    dry.outcome === 'not-possible'
      ? `not possible: ${dry.note ?? ''}`
      : `rolled back; ${dry.rows_affected === null ? 'no row count (schema change)' : `would affect ${dry.rows_affected} row(s)`}${dry.note ? ` (${dry.note})` : ''}`;
  const lines = [
    `change ${change.id}  [${status}]`,
    `  source:     ${change.source} (${change.engine})`,
    `  kind:       ${c.class} (${c.statement_type})${c.tables.length ? ` on ${c.tables.join(', ')}` : ''}`,
    `  dry run:    ${rows}`,
    `  requested:  ${change.created_at} by ${who.client ? `${who.client.name} ${who.client.version}` : 'an unnamed client'}${who.session_id ? `, session ${who.session_id}` : ''}, request ${who.request_id}`,
    ...(change.reason ? [`  reason:     ${change.reason}`] : []),
    `  expires:    ${change.expires_at}`,
    `  sha256:     ${change.sha256}`,
  ];
  if (change.decision)
    lines.push(
      `  decision:   ${change.decision.decision} by ${change.decision.by} via ${change.decision.path} at ${change.decision.at}`,
    );
  if (change.outcome) {
    lines.push(
      change.outcome.error
        ? `  outcome:    failed at ${change.outcome.finished_at}: ${change.outcome.error.code}: ${change.outcome.error.message}`
        : `  outcome:    executed at ${change.outcome.finished_at}; rows affected: ${change.outcome.rows_affected ?? 'n/a'}`,
    );
    const report = change.outcome.report as
      { applied?: { n: number }[]; failed_step?: { n: number } | null; not_run?: number[] } | undefined;
    if (report?.applied)
      lines.push(
        `  steps:      applied ${report.applied.map((a) => a.n).join(', ') || 'none'}${report.failed_step ? `; failed at ${report.failed_step.n}` : ''}${report.not_run?.length ? `; not run ${report.not_run.join(', ')}` : ''}`,
      );
  }
  lines.push('  sql:', ...change.sql.split('\n').map((l) => `    ${l}`));
  return `${lines.join('\n')}\n`;
}

function oneLine(sql: string, max = 60): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

function list(argv: string[]): number {
  const { store, positionals, all } = open(argv);
  if (positionals.length) throw new UsageError(`list takes no arguments (got ${positionals.join(' ')})`);
  const changes = store.list().filter((c) => all || store.effectiveStatus(c) === 'pending');
  if (changes.length === 0) {
    process.stdout.write(all ? `no changes in ${store.dir}\n` : `no pending changes in ${store.dir}\n`);
    return 0;
  }
  const rows = changes.map((c) => [
    c.id,
    store.effectiveStatus(c),
    c.source,
    c.created_at.slice(0, 19),
    c.expires_at.slice(0, 19),
    oneLine(c.sql),
  ]);
  const header = ['ID', 'STATUS', 'SOURCE', 'REQUESTED (UTC)', 'EXPIRES (UTC)', 'SQL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  process.stdout.write(`${[fmt(header), ...rows.map(fmt)].join('\n')}\n`);
  return 0;
}

function idOf(positionals: string[], verb: string): string {
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length) throw new UsageError(`${verb} takes exactly one change id`);
  return id;
}

function show(argv: string[]): number {
  const { store, positionals } = open(argv);
  const id = idOf(positionals, 'show');
  const change = store.get(id);
  if (!change) {
    process.stderr.write(`dba-mcp approvals: no change ${id} in ${store.dir}\n`);
    return 1;
  }
  process.stdout.write(describe(change, store));
  return 0;
}

function decide(decision: 'approved' | 'rejected'): (argv: string[]) => number {
  return (argv) => {
    const { store, positionals } = open(argv);
    const id = idOf(positionals, decision === 'approved' ? 'approve' : 'reject');
    const change = store.get(id);
    if (!change) {
      process.stderr.write(`dba-mcp approvals: no change ${id} in ${store.dir}\n`);
      return 1;
    }
    process.stdout.write(describe(change, store));
    try {
      // The hash of what was just shown: if the file changed in between, the decision is refused.
      store.decide(id, decision, localPerson(), 'cli', { sha256: change.sha256 });
    } catch (err) {
      if (!(err instanceof ApprovalError)) throw err;
      process.stderr.write(`dba-mcp approvals: refused: ${err.message}\n`);
      return 1;
    }
    process.stdout.write(
      decision === 'approved'
        ? `\nApproved by ${localPerson()}. The running dba-mcp server runs it once, exactly as shown, within a second or so;\n\`dba-mcp approvals show ${id}\` shows the outcome.\n`
        : `\nRejected by ${localPerson()}. It will never run.\n`,
    );
    return 0;
  };
}

export function run(argv: string[]): Promise<number> {
  return dispatch(
    {
      name: 'approvals',
      usage: USAGE,
      commands: { list, show, approve: decide('approved'), reject: decide('rejected') },
      refused: (e) => e instanceof ApprovalError,
    },
    argv,
  );
}
