import { z } from 'zod';
import { ApprovalError } from '../../approvals/store.js';
import { ToolError } from '../../core/errors.js';
import { ChangeViewSchema, renderChange, viewOf } from '../change-view.js';
import { defineTool } from '../define-tool.js';

export const getChange = defineTool({
  name: 'get_change',
  title: 'Show a requested change',
  description:
    'Show a change asked for with request_change: its status (pending, executed, rejected, failed, expired), the exact SQL, the dry run, who decided, and the outcome. It only reads; it never approves anything.',
  scope: 'server',
  access: 'read',
  input: { id: z.string().min(1).max(64).describe('The id request_change returned') },
  output: ChangeViewSchema,
  async run({ id }, ctx) {
    let change;
    try {
      change = ctx.approvals.get(id);
    } catch (err) {
      if (err instanceof ApprovalError)
        throw new ToolError('INVALID_ARGUMENT', err.message, 'Pass the id request_change returned.');
      throw err;
    }
    if (!change)
      throw new ToolError(
        'INVALID_ARGUMENT',
        `no change ${id}`,
        'Pass the id request_change returned; changes live in the state directory of this server.',
      );
    return viewOf(change, ctx.approvals);
  },
  render: renderChange,
});
