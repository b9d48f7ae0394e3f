/** A migration plan as plan_migration returns it and as it is stored for apply_migration. */
import { z } from 'zod';
import type { RunnableStep, ToolHistory } from '../../engines/contract/migrations.js';

const HazardSchema = z.object({
  code: z
    .string()
    .describe('The rule, named after squawk / strong_migrations / Atlas (e.g. require-concurrent-index-creation)'),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  safer: z.string().nullable().describe('The safer way'),
  statement: z
    .number()
    .int()
    .nullable()
    .describe('Index of the statement (0-based); null for the migration as a whole'),
});

const StatementSchema = z.object({
  index: z.number().int(),
  sql: z.string(),
  kind: z.string(),
  locks: z.array(
    z.object({
      level: z.string(),
      table: z.string().nullable(),
      blocks: z.string().describe('what other sessions cannot do meanwhile'),
    }),
  ),
  rewrite: z.boolean().describe('The table (and its indexes) is rewritten'),
  scan: z.boolean().describe('The table is read in full'),
  index_rebuild: z.boolean(),
  transactional: z.boolean().describe('May run inside a transaction block'),
  online_ddl: z
    .object({ algorithm: z.string(), lock: z.string(), rebuilds_table: z.boolean(), explicit: z.boolean() })
    .nullable()
    .describe('MySQL/MariaDB: the ALGORITHM and LOCK the server uses'),
  sqlite_rebuild: z.boolean().nullable().describe('SQLite: needs the 12-step table rebuild'),
  tables: z.array(
    z.object({
      table: z.string(),
      rows: z.number().nullable(),
      bytes: z.number().nullable(),
      work: z.string(),
      created_here: z.boolean(),
    }),
  ),
  estimated_seconds: z.number().describe("From the tables' real sizes; locks held this long"),
  hazards: z.array(HazardSchema),
  notes: z.array(z.string()),
});

const CheckSchema = z.object({
  code: z.string(),
  statement: z.number().int(),
  table: z.string(),
  description: z.string(),
  query: z.string().describe('The read-only count query that was run'),
  violations: z.number().nullable(),
  sample: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  error: z.string().nullable(),
});

const StepSchema = z.object({
  n: z.number().int(),
  from_statement: z.number().int(),
  purpose: z.string(),
  transactional: z.boolean(),
  sql: z.string().describe('Exactly what runs for this step'),
  rollback: z.string().nullable(),
  irreversible: z.object({ reason: z.string(), backup: z.string() }).nullable(),
});

export const PlanOutputSchema = {
  plan_id: z.string(),
  name: z.string(),
  source: z.string(),
  server: z.object({ variant: z.string(), version: z.string() }),
  summary: z.string(),
  statements: z.array(StatementSchema),
  hazards: z.array(HazardSchema).describe('Every hazard, errors first'),
  checks: z.array(CheckSchema).describe('Read-only queries on the existing rows'),
  steps: z.array(StepSchema).describe('The plan apply_migration runs, in order, each with its timeouts'),
  steps_text: z.string().describe('The exact text a person approves and that runs'),
  sha256: z.string(),
  dry_run: z.object({
    outcome: z.enum(['rolled-back', 'failed', 'not-run']),
    reason: z.string().nullable(),
    steps: z.array(z.object({ n: z.number().int(), ok: z.boolean(), error: z.string().optional() })),
  }),
  migration_tools: z.array(
    z.object({
      tool: z.string(),
      table: z.string(),
      latest_version: z.string().nullable(),
      applied_at: z.string().nullable(),
    }),
  ),
  apply: z
    .object({ allowed: z.boolean(), reason: z.string().nullable() })
    .describe('Whether apply_migration will run this plan (every statement must be a change dba-mcp runs)'),
  expires_at: z.string(),
  next_step: z.string(),
};

export type PlanOutput = { [K in keyof typeof PlanOutputSchema]: z.infer<(typeof PlanOutputSchema)[K]> };

export interface StoredPlan {
  v: 1;
  id: string;
  source: string;
  engine: string;
  name: string;
  created_at: string;
  expires_at: string;
  /** The migration as sent. */
  sql: string;
  steps: RunnableStep[];
  steps_text: string;
  sha256: string;
  destructive: boolean;
  tools: ToolHistory[];
  output: PlanOutput;
}
