/**
 * The one pipeline every tool call travels, and the only tools file that knows the MCP SDK:
 *   args   = input schema (strict)                 -> INVALID_ARGUMENT
 *   ctx    = context (source, engine, signal, ids, client)
 *   verdict= runGuards(def, args, ctx)              -> denial as ToolError
 *   out    = def.run(args, ctx)
 *   result = toResult(out) | toErrorResult(err)
 *   finally audit.record(...)                     -> written before the result returns; if it
 *                                                    cannot be, the result is AUDIT_UNAVAILABLE
 * Tools never carry their own try/catch/audit frame.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type ElicitRequestFormParams,
  type ServerNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AuditUnavailableError } from '../audit/index.js';
import { withCallSignal } from '../core/call-signal.js';
import { asToolError, POLICY_REFUSALS, ToolError } from '../core/errors.js';
import { denialError, runGuards, type Checked } from '../guards/index.js';
import { applyErrorPolicy, applyOutputPolicy } from '../guards/output-policy.js';
import type { PipelineDeps } from './deps.js';
import {
  annotationsFor,
  type ElicitAnswer,
  type ElicitRequest,
  type SourceContext,
  type ToolContext,
  type ToolDef,
} from '../tools/define-tool.js';
import { toolJsonSchema } from '../tools/json-schema.js';
import { toErrorResult, toResult } from './result.js';
import { framed, openRecord } from './audit-frame.js';

type Extra = {
  signal: AbortSignal;
  sessionId?: string;
  requestId: string | number;
  _meta?: { progressToken?: string | number };
  sendNotification?: (n: ServerNotification) => Promise<void>;
};

/** A person may take a while to read a change before deciding. */
const ELICIT_TIMEOUT_MS = 10 * 60_000;

interface Registered {
  def: ToolDef;
  input: z.ZodObject;
  listing: Tool;
}

function sourceArgument(ids: string[]) {
  const [first, ...rest] = ids;
  const described = `The database to use: ${ids.join(', ')}.${ids.length === 1 ? ' Optional: there is only one.' : ' Required: list_sources describes them.'}`;
  return z
    .enum([first ?? 'demo', ...rest])
    .optional()
    .describe(described);
}

function prepare(def: ToolDef, ids: string[]): Registered {
  const shape = def.scope === 'source' ? { source: sourceArgument(ids), ...def.input } : def.input;
  const input = z.object(shape).strict();
  const listing: Tool = {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: toolJsonSchema(input, 'input'),
    outputSchema: toolJsonSchema(z.object(def.output), 'output'),
    annotations: { title: def.title, ...annotationsFor(def.access), ...def.annotations },
  };
  return { def, input, listing };
}

export function registerTools(server: Server, tools: readonly ToolDef[], deps: PipelineDeps): void {
  const registered = new Map(tools.map((def) => [def.name, prepare(def, deps.sources.ids)]));
  const listings = [...registered.values()].map((r) => r.listing);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listings }));
  // Protocol's own registration: it validates the request against CallToolRequestSchema. Server's
  // override would validate the request a second time and every result against CallToolResultSchema
  // (0.013-0.016 ms per call measured); our results come from toResult/toErrorResult only, typed as
  // CallToolResult, and clients check them (the SDK client parses every result with that schema).
  Protocol.prototype.setRequestHandler.call(server, CallToolRequestSchema, async (request, extra) => {
    const tool = registered.get(request.params.name);
    if (!tool) return unknownTool(request.params.name, request.params.arguments, extra, server, deps);
    return callTool(tool, request.params.arguments ?? {}, extra, server, deps).catch(refuseUnrecorded);
  });
}

/** A call whose audit record could not be written returns AUDIT_UNAVAILABLE instead of its result. */
function refuseUnrecorded(err: unknown): CallToolResult {
  if (err instanceof AuditUnavailableError) return toErrorResult(err);
  throw err;
}

/** An unknown tool is a protocol error, and recorded like any call (its record written first). */
async function unknownTool(
  name: string,
  args: Record<string, unknown> | undefined,
  extra: Extra,
  server: Server,
  deps: PipelineDeps,
): Promise<never> {
  deps.audit.ensureWritable();
  const entry = openRecord('tool', name, extra, server, { args, errorCode: 'UNKNOWN_TOOL' });
  return framed(deps, entry, async () => {
    throw new McpError(ErrorCode.InvalidParams, `unknown tool "${name}"; tools/list names the tools`);
  });
}

async function callTool(
  tool: Registered,
  rawArgs: Record<string, unknown>,
  extra: Extra,
  server: Server,
  deps: PipelineDeps,
): Promise<CallToolResult> {
  const entry = openRecord('tool', tool.def.name, extra, server, { args: rawArgs });
  let ctx: ToolContext | SourceContext | undefined;
  let checkedFacts: Checked | undefined;
  return framed(deps, entry, async () => {
    try {
      deps.audit.ensureWritable(); // nothing runs while its record could not be written
      const args = parseArgs(tool.input, rawArgs);
      ctx = await buildContext(tool.def, args, extra, server, deps);
      entry.client = ctx.client;
      if ('source' in ctx) entry.source = ctx.source.id;
      const callCtx = ctx;
      // guards hand ctx.signal to their database calls; the posture check's are shared by concurrent calls
      // (one cached result per source), so no one call's cancel stops them: the statement timeout bounds them
      const { verdicts, checked } = await runGuards(tool.def, args, callCtx);
      checkedFacts = checked;
      entry.verdicts = verdicts;
      entry.classification = checked.statement?.classification.class;
      const denied = verdicts.find((v) => v.decision === 'deny');
      if (denied) {
        entry.outcome = 'denied';
        throw denialError(denied);
      }
      // the call's signal reaches the drivers' catalog queries too: a cancelled call stops them
      const run = () =>
        (tool.def.run as (a: unknown, c: ToolContext | SourceContext, k: Checked) => Promise<Record<string, unknown>>)(
          args,
          callCtx,
          checked,
        );
      const raw = await (tool.def.handsSignal ? run() : withCallSignal(extra.signal, run));
      // masking and output limits, the same for every tool that returns rows
      const out =
        'source' in callCtx
          ? applyOutputPolicy(
              raw,
              { limits: callCtx.limits, masking: callCtx.source.masking },
              checked.statement?.classification,
            )
          : raw;
      entry.rowCount = typeof out.row_count === 'number' ? out.row_count : undefined;
      entry.truncated = typeof out.truncated === 'boolean' ? out.truncated : undefined;
      return toResult(out, (tool.def.render as (o: unknown) => string)(out));
    } catch (err) {
      const raw = asToolError(err);
      const failure =
        ctx && 'source' in ctx
          ? applyErrorPolicy(raw, ctx.source.masking, checkedFacts?.statement?.classification)
          : raw;
      if (failure.code === 'INTERNAL')
        deps.logger.error({ tool: tool.def.name, err: failure.cause ?? failure }, 'tool failed');
      if (entry.outcome === 'ok') entry.outcome = POLICY_REFUSALS.has(failure.code) ? 'denied' : 'error';
      entry.errorCode = failure.code;
      return toErrorResult(failure);
    } finally {
      entry.verdicts ??= [];
      if (ctx?.approval) entry.approval = ctx.approval;
    }
  });
}

function parseArgs(schema: z.ZodObject, raw: Record<string, unknown>): Record<string, unknown> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
  throw new ToolError(
    'INVALID_ARGUMENT',
    problems,
    'Fix the arguments to match the tool input schema (tools/list shows it).',
  );
}

/** The person at the client, asked through MCP elicitation: only when the client declared it can. */
function elicitor(server: Server, extra: Extra): ((request: ElicitRequest) => Promise<ElicitAnswer>) | undefined {
  const declared = server.getClientCapabilities()?.elicitation;
  if (!declared) return undefined;
  return async ({ message, requestedSchema }) => {
    const result = await server.elicitInput(
      { mode: 'form', message, requestedSchema: requestedSchema as ElicitRequestFormParams['requestedSchema'] },
      { signal: extra.signal, timeout: ELICIT_TIMEOUT_MS },
    );
    return { action: result.action, ...(result.content ? { content: result.content as Record<string, unknown> } : {}) };
  };
}

/** notifications/progress for this request, only when the client asked for it with a progressToken. */
function progressReporter(extra: Extra): Pick<ToolContext, 'progress'> {
  const token = extra._meta?.progressToken;
  const send = extra.sendNotification;
  if (token === undefined || !send) return {};
  return {
    progress: (progress, total, message) =>
      send({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress,
          ...(total !== undefined ? { total } : {}),
          ...(message ? { message } : {}),
        },
      }).catch(() => {}),
  };
}

async function buildContext(
  def: ToolDef,
  args: Record<string, unknown>,
  extra: Extra,
  server: Server,
  deps: PipelineDeps,
): Promise<ToolContext | SourceContext> {
  const elicit = elicitor(server, extra);
  const base: ToolContext = {
    approvals: deps.approvals,
    runners: deps.runners,
    ...(elicit ? { elicit } : {}),
    ...progressReporter(extra),
    sources: deps.sources,
    audit: () => deps.audit.status(),
    signal: extra.signal,
    requestId: String(extra.requestId),
    sessionId: extra.sessionId,
    client: server.getClientVersion(),
    logger: deps.logger,
  };
  if (def.scope === 'server') return base;
  const source = deps.sources.resolve(args.source as string | undefined);
  const engine = await deps.sources.engine(source);
  return { ...base, source, engine, limits: source.limits };
}
