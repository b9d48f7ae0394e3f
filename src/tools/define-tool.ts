/**
 * A tool is data: its name, description, input and output schemas, the access class the guards
 * enforce (and the annotations are derived from), and a `run` that gets everything through the
 * context. Cross-cutting work (argument checks, guards, errors, audit) lives in register.ts only.
 *
 * @example
 *   export const listSources = defineTool({
 *     name: 'list_sources', scope: 'server', access: 'read', title: 'List sources', description: '...',
 *     input: {}, output: { sources: z.array(...) },
 *     run: async (_args, ctx) => ({ sources: [...] }),
 *     render: (out) => '...',
 *   });
 */
import type { z } from 'zod';
import type { ApprovalStore } from '../approvals/store.js';
import type { ChangeRunners } from '../approvals/runners.js';
import type { ApprovalInfo } from '../audit/index.js';
import type { ResolvedSource } from '../config/load.js';
import type { Limits } from '../core/settings.js';
import type { EngineAdapter } from '../engines/contract/engine.js';
import type { Checked } from '../core/verdict.js';
import type { Rows, RowFields } from '../guards/output-policy.js';
import type { Access, StatementRequest } from '../guards/types.js';
import type { Logger } from '../core/logging.js';
import type { Sources } from '../sources.js';
import type { AuditStatus } from '../audit/index.js';

export type { Access };

export interface ClientInfo {
  name: string;
  version: string;
}

export interface ToolContext {
  sources: Sources;
  /** The audit log's state, for tools that report on the server itself. */
  audit: () => AuditStatus;
  signal: AbortSignal;
  requestId: string;
  sessionId: string | undefined;
  client: ClientInfo | undefined;
  logger: Logger;
  /** Pending changes and their decisions (<state_dir>/approvals). */
  approvals: ApprovalStore;
  /** How an approved change of each kind runs (src/tools/index.ts CHANGE_RUNNERS). */
  runners: ChangeRunners;
  /**
   * Asks the person at the client (MCP elicitation) and returns what they chose. Present only when
   * the client declared the elicitation capability; the model never sees or answers it.
   */
  elicit?: (request: ElicitRequest) => Promise<ElicitAnswer>;
  /** Reports progress of a long step (notifications/progress); present only when the client sent a progressToken. */
  progress?: (done: number, total?: number, message?: string) => Promise<void>;
  /** Set by a tool that asked for or ran a change: the pipeline puts it on the call's audit record. */
  approval?: ApprovalInfo;
}

export interface ElicitRequest {
  message: string;
  /** A flat JSON Schema object of primitive fields, as MCP elicitation allows. */
  requestedSchema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[] };
}

export interface ElicitAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

/** The context of a tool that works on one source: the source is resolved and its engine ready. */
export interface SourceContext extends ToolContext {
  source: ResolvedSource;
  engine: EngineAdapter;
  limits: Limits;
}

type Shape = z.ZodRawShape;
type Out<O extends Shape> = z.infer<z.ZodObject<O>>;
/**
 * What `run` returns: the output, except that a tool returning database rows hands them over as
 * `rows: new Rows(result)` and leaves the row fields to the pipeline's output policy, which caps
 * and masks them the same way for every tool (src/guards/output-policy.ts).
 */
type RunOut<O extends Shape> = Out<O> | (Omit<Out<O>, RowFields> & { rows: Rows });

interface ToolCommon<I extends Shape, O extends Shape> {
  name: string;
  title: string;
  description: string;
  access: Access;
  input: I;
  output: O;
  /**
   * The SQL this call will run (and its parameters), for the statement guard to classify before `run`.
   * `intent: 'explain'`: the tool only plans the statement (EXPLAIN without ANALYZE), so a single
   * write may pass too; everything else is judged as for a read.
   */
  statement?(args: Record<string, unknown>): StatementRequest | undefined;
  /** The compact text block sent beside structuredContent. */
  render(out: Out<O>): string;
  /**
   * True when `run` hands ctx.signal to every database call it makes: the pipeline then need not
   * carry the signal down to the drivers itself (src/call-signal.ts, which costs every promise of
   * the call on Node 20). Set on the hot path, run_query.
   */
  handsSignal?: boolean;
  /**
   * Hints where the access class alone would mislead: a tool that only reads the database but
   * writes elsewhere (a backup file, a scratch database) is not read-only or idempotent.
   */
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean };
}

export interface SourceTool<I extends Shape, O extends Shape> extends ToolCommon<I, O> {
  /** Gets a `source` argument and a SourceContext. */
  scope: 'source';
  /** `checked`: what the guards established (the statement's classification), never read from ctx. */
  run(args: z.infer<z.ZodObject<I>>, ctx: SourceContext, checked: Checked): Promise<RunOut<O>>;
}

export interface ServerTool<I extends Shape, O extends Shape> extends ToolCommon<I, O> {
  scope: 'server';
  run(args: z.infer<z.ZodObject<I>>, ctx: ToolContext, checked: Checked): Promise<RunOut<O>>;
}

export type ToolDef<I extends Shape = Shape, O extends Shape = Shape> = SourceTool<I, O> | ServerTool<I, O>;

export function defineTool<I extends Shape, O extends Shape>(def: SourceTool<I, O>): SourceTool<I, O>;
export function defineTool<I extends Shape, O extends Shape>(def: ServerTool<I, O>): ServerTool<I, O>;
export function defineTool(def: ToolDef): ToolDef {
  return def;
}

/** Annotations are hints for clients; they come from the same access class the guards enforce. */
export function annotationsFor(access: Access) {
  const readOnly = access === 'read';
  return { readOnlyHint: readOnly, destructiveHint: !readOnly, idempotentHint: readOnly, openWorldHint: false };
}
