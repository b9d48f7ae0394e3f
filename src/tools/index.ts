/** Every tool the server offers. Adding a tool: one file plus one line here. */
import type { ToolDef } from './define-tool.js';
import { describeSchema } from './describe-schema.js';
import { listSources } from './list-sources.js';
import { runQuery } from './run-query.js';
import { analyzeQuery } from './analyze-query.js';
import { requestChange } from './request-change.js';
import { getChange } from './get-change.js';

export const TOOLS: readonly ToolDef[] = [listSources, describeSchema, runQuery, analyzeQuery, requestChange, getChange] as unknown as readonly ToolDef[];
