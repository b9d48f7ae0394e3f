/**
 * Prompt handlers, wired at the protocol level like resources. prompts/get of an unknown prompt
 * or without a required argument is the protocol error -32602; every get is audited (kind
 * 'prompt'), and refused while the audit log cannot be written.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { auditFailureToMcp } from './result.js';
import { framed, openRecord } from './audit-frame.js';
import type { PipelineDeps } from './deps.js';
import type { PromptDef } from '../prompts/types.js';

export function registerPrompts(server: Server, prompts: readonly PromptDef[], deps: PipelineDeps): void {
  const byName = new Map(prompts.map((p) => [p.name, p]));
  const listing = prompts.map((p) => ({
    name: p.name,
    title: p.title,
    description: p.description,
    arguments: p.arguments.map((a) => ({ name: a.name, description: a.description, required: a.required })),
  }));
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: listing }));
  server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
    getPrompt(byName, request.params.name, request.params.arguments ?? {}, extra, server, deps).catch(
      auditFailureToMcp,
    ),
  );
}

async function getPrompt(
  byName: ReadonlyMap<string, PromptDef>,
  name: string,
  args: Record<string, string>,
  extra: { requestId: string | number; sessionId?: string },
  server: Server,
  deps: PipelineDeps,
) {
  const entry = openRecord('prompt', name, extra, server, {
    args,
    ...(typeof args.source === 'string' ? { source: args.source } : {}),
  });
  return framed(deps, entry, async () => {
    deps.audit.ensureWritable();
    const prompt = byName.get(name);
    if (!prompt) entry.errorCode = 'UNKNOWN_PROMPT';
    if (!prompt)
      throw new McpError(ErrorCode.InvalidParams, `unknown prompt "${name}"; prompts/list names the prompts`);
    const missing = prompt.arguments.filter((a) => a.required && !args[a.name]?.trim()).map((a) => a.name);
    if (missing.length) entry.errorCode = 'INVALID_ARGUMENT';
    if (missing.length)
      throw new McpError(
        ErrorCode.InvalidParams,
        `prompt "${name}" needs the argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    return { description: prompt.description, messages: prompt.messages(args) };
  });
}
