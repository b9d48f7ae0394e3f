/**
 * Resource handlers, wired at the protocol level so resources/list can page (the SDK's McpServer
 * returns every resource at once) and an unknown URI gets -32002. Reads are audited like tool calls.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { asToolError } from '../core/errors.js';
import { decodeCursor, paginate } from '../core/pagination.js';
import type { PipelineDeps } from './deps.js';
import { auditFailureToMcp } from './result.js';
import { framed, openRecord } from './audit-frame.js';
import { AUDIT_RECENT_URI, auditRecentResource, readAuditRecent } from '../resources/audit-resource.js';
import { parseUri, readSchemaResource, resourcesOf, TABLE_TEMPLATE } from '../resources/schema-resources.js';

const PAGE_SIZE = 100;
const LIST_KEY = 'resources';
const RESOURCE_NOT_FOUND = -32002;

export function registerResources(server: Server, deps: PipelineDeps): void {
  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    const offset = cursor === undefined ? 0 : decodeCursor(cursor, LIST_KEY);
    if (offset === undefined) throw new McpError(ErrorCode.InvalidParams, 'invalid cursor');
    const all = [
      auditRecentResource,
      ...(await Promise.all(deps.sources.list.map((s) => resourcesOf(deps.sources, s)))).flat(),
    ];
    const page = paginate(all, offset, PAGE_SIZE, LIST_KEY);
    return { resources: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: TABLE_TEMPLATE,
        name: 'table',
        description: 'One table or view: columns, keys, indexes, estimates',
        mimeType: 'application/json',
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
    readResource(request.params.uri, extra, server, deps).catch(auditFailureToMcp),
  );
}

async function readResource(
  uri: string,
  extra: { requestId: string | number; sessionId?: string },
  server: Server,
  deps: PipelineDeps,
) {
  const entry = openRecord('resource', uri, extra, server);
  return framed(deps, entry, async () => {
    try {
      deps.audit.ensureWritable();
      const parsed = parseUri(uri);
      entry.source = parsed?.source;
      const body =
        uri === AUDIT_RECENT_URI
          ? readAuditRecent(deps.audit)
          : parsed
            ? await readSchemaResource(deps.sources, parsed)
            : undefined;
      if (body === undefined) throw new McpError(RESOURCE_NOT_FOUND, `resource not found: ${uri}`, { uri });
      return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(body) }] };
    } catch (err) {
      if (err instanceof McpError) throw err;
      const failure = asToolError(err);
      entry.errorCode = failure.code;
      throw new McpError(ErrorCode.InternalError, `${failure.code}: ${failure.message} (${failure.hint})`);
    }
  });
}
