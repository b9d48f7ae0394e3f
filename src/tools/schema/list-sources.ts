import { z } from 'zod';
import { asToolError } from '../../core/errors.js';
import type { ResolvedSource } from '../../config/load.js';
import type { Sources } from '../../sources.js';
import { defineTool } from '../define-tool.js';

const SourceInfoSchema = z.object({
  id: z.string(),
  engine: z.string(),
  variant: z.string().nullable().describe('postgresql, mysql, mariadb or sqlite, as detected; null when unreachable'),
  version: z.string().nullable(),
  mode: z.enum(['read-only', 'read-write']),
  description: z.string().nullable(),
  dsn: z.string().describe('The connection string with secrets removed'),
  status: z.enum(['ok', 'unreachable']),
  privileges: z
    .object({
      login: z.string(),
      findings: z.array(
        z.object({
          id: z.string(),
          severity: z.enum(['critical', 'warning', 'info']),
          message: z.string(),
          fix: z.string(),
        }),
      ),
    })
    .nullable()
    .describe('What the login can do beyond reading; null when it could not be checked'),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).optional(),
});

type SourceInfo = z.infer<typeof SourceInfoSchema>;

async function describeSource(sources: Sources, source: ResolvedSource): Promise<SourceInfo> {
  const base = {
    id: source.id,
    engine: source.parsed.engine,
    mode: source.mode,
    description: source.description ?? null,
    dsn: source.redactedDsn,
  };
  try {
    const engine = await sources.engine(source);
    const info = await engine.serverInfo();
    const privileges = await engine.posture().catch(() => null);
    return { ...base, variant: info.variant, version: info.version, status: 'ok', privileges };
  } catch (err) {
    return {
      ...base,
      variant: null,
      version: null,
      status: 'unreachable',
      privileges: null,
      error: asToolError(err).toJSON(),
    };
  }
}

export const listSources = defineTool({
  name: 'list_sources',
  title: 'List database sources',
  description:
    'The configured databases: id, engine, detected server version, access mode (read-only unless configured otherwise) and whether each is reachable now. Call first to learn which `source` ids the other tools accept.',
  scope: 'server',
  access: 'read',
  input: {},
  output: {
    sources: z.array(SourceInfoSchema),
    audit: z
      .enum(['off', 'ok', 'failed'])
      .describe(
        'Whether calls are recorded in the audit log (while it cannot be written, every call is refused and /healthz answers 503)',
      ),
  },
  async run(_args, ctx) {
    return {
      sources: await Promise.all(ctx.sources.list.map((s) => describeSource(ctx.sources, s))),
      audit: ctx.audit().state,
    };
  },
  render: ({ sources }) =>
    sources
      .map((s) => {
        const head = `${s.id}: ${s.variant ?? s.engine} ${s.version ?? ''} ${s.mode} ${s.status === 'ok' ? '' : `UNREACHABLE (${s.error?.code}: ${s.error?.message})`}${s.description ? ` — ${s.description}` : ''}`;
        const risks = (s.privileges?.findings ?? [])
          .filter((f) => f.severity !== 'info')
          .map((f) => `\n  ${f.severity.toUpperCase()}: ${f.message}`);
        return `${head.replace(/ +/g, ' ').trim()}${risks.join('')}`;
      })
      .join('\n'),
});
