import { z } from 'zod';
import { asToolError } from '../errors.js';
import type { ResolvedSource } from '../config/load.js';
import type { Sources } from '../sources.js';
import { defineTool } from './define-tool.js';

const SourceInfoSchema = z.object({
  id: z.string(),
  engine: z.string(),
  variant: z.string().nullable().describe('postgresql, mysql, mariadb or sqlite, as detected; null when unreachable'),
  version: z.string().nullable(),
  mode: z.enum(['read-only', 'read-write']),
  description: z.string().nullable(),
  dsn: z.string().describe('The connection string with secrets removed'),
  status: z.enum(['ok', 'unreachable']),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).optional(),
});

type SourceInfo = z.infer<typeof SourceInfoSchema>;

async function describeSource(sources: Sources, source: ResolvedSource): Promise<SourceInfo> {
  const base = { id: source.id, engine: source.parsed.engine, mode: source.mode, description: source.description ?? null, dsn: source.redactedDsn };
  try {
    const info = await (await sources.engine(source)).serverInfo();
    return { ...base, variant: info.variant, version: info.version, status: 'ok' };
  } catch (err) {
    return { ...base, variant: null, version: null, status: 'unreachable', error: asToolError(err).toJSON() };
  }
}

export const listSources = defineTool({
  name: 'list_sources',
  title: 'List database sources',
  description: 'The configured databases: id, engine, detected server version, access mode (read-only unless configured otherwise) and whether each is reachable now. Call first to learn which `source` ids the other tools accept.',
  scope: 'server',
  access: 'read',
  input: {},
  output: { sources: z.array(SourceInfoSchema) },
  async run(_args, ctx) {
    return { sources: await Promise.all(ctx.sources.list.map((s) => describeSource(ctx.sources, s))) };
  },
  render: ({ sources }) =>
    sources
      .map((s) => `${s.id}: ${s.variant ?? s.engine} ${s.version ?? ''} ${s.mode} ${s.status === 'ok' ? '' : `UNREACHABLE (${s.error?.code}: ${s.error?.message})`}${s.description ? ` — ${s.description}` : ''}`.replace(/ +/g, ' ').trim())
      .join('\n'),
});
