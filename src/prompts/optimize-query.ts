/**
 * optimize_query: the workflow for a slow query, as the tools allow it today: explain, read the
 * findings, then an index applied as a reviewed change (never DDL run directly).
 */
import type { PromptDef } from './types.js';

const fence = (sql: string) => {
  const ticks = '`'.repeat(Math.max(3, ...[...sql.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}sql\n${sql.trim()}\n${ticks}`;
};

export const optimizeQuery: PromptDef = {
  name: 'optimize_query',
  title: 'Optimize a slow query',
  description:
    'Walk through diagnosing one slow query with analyze_query and, if an index helps, getting it applied safely as a reviewed change.',
  arguments: [
    { name: 'sql', description: "The query to optimize, in the source's dialect.", required: true },
    {
      name: 'source',
      description: 'The source it runs on (list_sources names them); optional when only one is configured.',
      required: false,
    },
  ],
  messages({ sql = '', source }) {
    const on = source ? ` on source \`${source}\`` : '';
    const src = source ? `, "source": ${JSON.stringify(source)}` : '';
    const text = [
      `Help me make this query faster${on}:`,
      '',
      fence(sql),
      '',
      'Work through it in this order, and show me each result before moving on:',
      '',
      `1. Explain it without running it: call \`analyze_query\` with {"sql": <the query>${src}, "analyze": false}.`,
      '2. Only if it is a read (SELECT) and I agree, call `analyze_query` again with "analyze": true for actual rows and times. Ask me first: analyze=true executes the query (in a read-only transaction that is rolled back), so a slow query takes just as long.',
      '3. Read the findings: for each, say what it means for this query, the evidence numbers it cites, and its fix. If there are none, say the plan looks fine and stop. Use `describe_schema` (detail=full) for the tables involved if you need their columns and existing indexes.',
      '4. If an index would help: call `propose_index` with {"sql": <the query>} for a verified proposal (its ddl is safe on a busy table); the CREATE INDEX in the finding is only a first guess. Prefer rewriting the query when the finding says so (a function or cast on an indexed column, a missing LIMIT, SELECT *). Show the rewritten query or index and explain the trade-off (write cost, disk).',
      '5. To apply an index, never run DDL yourself: submit it with `request_change` (or `plan_migration` when it is available) with a reason, so a person reviews and approves it. On PostgreSQL use CREATE INDEX CONCURRENTLY so the table is not locked against writes. Then tell me the change id and how it gets approved; `get_change` shows the outcome.',
      '6. After it is applied, run step 1 again and compare the plans.',
    ].join('\n');
    return [{ role: 'user', content: { type: 'text', text } }];
  },
};
