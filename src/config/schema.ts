/**
 * The one config schema: it validates the file, the environment and the flags, and its inferred
 * type is the config type. Every object is strict: an unknown or misspelled key stops the server
 * at start, because a typo in a safety setting must never be silently ignored.
 */
import { z } from 'zod';
import { HealthThresholdsSchema, LimitsSchema, MaskingSchema } from '../core/settings.js';
import { isLoopback } from '../core/net.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const SourceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a source id is 1 to 64 letters, digits, "_" or "-"')
      .describe('The name tools use to pick this source.'),
    dsn: z
      .string()
      .min(1)
      .describe('postgres://, mysql://, mariadb:// or sqlite:// connection string; use ${ENV_VAR} for secrets.'),
    description: z.string().max(500).optional(),
    mode: z.enum(['read-only', 'read-write']).default('read-only'),
    privilege_check: z
      .enum(['warn', 'enforce'])
      .default('warn')
      .describe('enforce: refuse to serve a read-only source through a login that can do more than read.'),
    deny_tables: z
      .array(z.string().regex(/^(\*|[^.*]+)(\.(\*|[^.*]+))?$/, 'a pattern is table, schema.table, schema.* or *.table'))
      .default([])
      .describe('Tables no query may read (also through views) and describe_schema hides.'),
    allow_functions: z
      .array(z.string().regex(/^[^.\s]+\.[^.\s]+$/, 'a function is named schema.name'))
      .default([])
      .describe(
        'User-defined functions (schema.name) that reads may call. Any other user-defined function, operator or extension function outside a short curated list is refused, whatever its volatility label says.',
      ),
    limits: LimitsSchema.prefault({}),
    masking: MaskingSchema.prefault({}),
    health: HealthThresholdsSchema.prefault({}).describe('Thresholds of check_health.'),
    backups: z
      .object({
        dir: z
          .string()
          .min(1)
          .describe(
            'Where create_backup writes and check_backups looks; a relative path is relative to the state dir.',
          ),
        max_age_hours: z
          .number()
          .positive()
          .max(24 * 366)
          .default(24)
          .describe('The newest backup (and the newest proven by a restore) must be younger than this.'),
        scratch_dsn: z
          .string()
          .min(1)
          .optional()
          .describe(
            "Server (PostgreSQL, MySQL/MariaDB) where verify_backup creates and drops its scratch database; default: the source's own server.",
          ),
        pgbackrest_stanza: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/)
          .optional()
          .describe(
            'PostgreSQL: the pgBackRest stanza of this source, for check_backups (pgbackrest --stanza=... info).',
          ),
      })
      .strict()
      .optional()
      .describe(
        'Backup checks, creation and restore tests; without it check_backups says no backup dir is configured.',
      ),
  })
  .strict();

export const TransportSchema = z
  .object({
    type: z.enum(['stdio', 'http']).default('stdio'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8377),
    allowed_hosts: z
      .array(z.string().min(1))
      .default([])
      .describe('Extra Host header values accepted (DNS-rebinding guard).'),
    allowed_origins: z.array(z.string().min(1)).default([]).describe('Extra Origin header values accepted.'),
    auth_token: z.string().min(16, 'auth_token must be at least 16 characters').optional(),
    admin_token: z
      .string()
      .min(16, 'admin_token must be at least 16 characters')
      .optional()
      .describe('Bearer token of the /admin/approvals endpoint (a person approving changes); never the MCP token.'),
    session_idle_timeout_s: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(1800)
      .describe('An HTTP session with no request for this long is closed.'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.admin_token !== undefined && t.admin_token === t.auth_token) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin_token'],
        message:
          'admin_token must differ from auth_token: a client holding the MCP token must not be able to approve changes',
      });
    }
    if (t.type === 'http' && !isLoopback(t.host) && !t.auth_token) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: `binding ${t.host} (not a loopback address) requires transport.auth_token (or DBA_MCP_AUTH_TOKEN): anyone on the network could use your databases`,
      });
    }
  });

export const LogSchema = z
  .object({
    level: z.enum(LOG_LEVELS).default('info'),
    file: z.string().min(1).optional(),
  })
  .strict();

export const AuditSchema = z
  .object({
    path: z
      .string()
      .regex(/\.jsonl$/, 'audit.path names the log file and must end in .jsonl')
      .optional()
      .describe(
        'The audit log file (.jsonl); rotated files and the lock sit beside it. Default: <state_dir>/audit/audit.jsonl.',
      ),
    max_file_mb: z
      .number()
      .min(1)
      .max(4096)
      .default(64)
      .describe('The file is rotated (renamed audit-NNNNNN.jsonl) before it grows past this; the chain runs on.'),
    redact_literals: z
      .boolean()
      .default(false)
      .describe('Record SQL with its literals replaced by placeholders (PostgreSQL), or not at all (other engines).'),
  })
  .strict();

export const ApprovalsSchema = z
  .object({
    ttl_minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60)
      .describe('A pending change not approved within this many minutes expires and can no longer be approved.'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    sources: z.array(SourceSchema).default([]),
    transport: TransportSchema.prefault({}),
    state_dir: z.string().min(1).optional(),
    log: LogSchema.prefault({}),
    audit: AuditSchema.prefault({}),
    approvals: ApprovalsSchema.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.id))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${source.id}"` });
      seen.add(source.id);
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
export type SourceConfig = z.infer<typeof SourceSchema>;
export type TransportConfig = z.infer<typeof TransportSchema>;
export type AuditConfig = z.infer<typeof AuditSchema>;
export type ApprovalsConfig = z.infer<typeof ApprovalsSchema>;
