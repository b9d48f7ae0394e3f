/** The plan as a flat list (ids, parent ids, depth) and as compact text, one line per node. */
import type { PlanNode, PlanResult } from '../../engines/contract/query-plan.js';
import { walkPlan } from '../../engines/contract/query-plan.js';
import { describeNode, type Finding } from './findings.js';

export interface FlatNode {
  id: number;
  parent: number | null;
  depth: number;
  op: PlanNode['op'];
  label: string;
  /** The step in words, e.g. "Seq Scan on shop.orders". */
  title: string;
  relation?: string;
  index?: string;
  filter?: string;
  sort_key?: string[];
  est_rows?: number;
  /** MySQL: rows the step reads, when it does not say how many it returns. */
  est_examined?: number;
  est_cost?: number;
  actual_rows?: number;
  loops?: number;
  time_ms?: number;
  rows_removed?: number;
  spill?: string;
  buffers_hit?: number;
  buffers_read?: number;
}

const MAX_NODES = 200;
const MAX_FILTER = 160;
export const MAX_TEXT = 4000;

export function flattenPlan(plan: PlanResult): { nodes: FlatNode[]; ids: Map<PlanNode, number> } {
  const ids = new Map<PlanNode, number>();
  const nodes: FlatNode[] = [];
  for (const { node, depth, parent } of walkPlan(plan.root)) {
    if (nodes.length >= MAX_NODES) break;
    const id = nodes.length;
    ids.set(node, id);
    const flat: FlatNode = {
      id,
      parent: parent ? (ids.get(parent) ?? null) : null,
      depth,
      op: node.op,
      label: node.label,
      title: describeNode(node),
    };
    if (node.relation)
      flat.relation = node.schema && node.schema !== 'main' ? `${node.schema}.${node.relation}` : node.relation;
    if (node.index) flat.index = node.index;
    if (node.filter)
      flat.filter = node.filter.length > MAX_FILTER * 3 ? `${node.filter.slice(0, MAX_FILTER * 3)}...` : node.filter;
    if (node.sortKey) flat.sort_key = node.sortKey;
    if (node.estRows !== undefined) flat.est_rows = node.estRows;
    if (node.estExamined !== undefined) flat.est_examined = node.estExamined;
    if (node.estCost !== undefined) flat.est_cost = node.estCost;
    if (node.actualRows !== undefined) flat.actual_rows = node.actualRows;
    if (node.loops !== undefined) flat.loops = node.loops;
    if (node.timeMs !== undefined) flat.time_ms = node.timeMs;
    if (node.rowsRemoved !== undefined) flat.rows_removed = node.rowsRemoved;
    if (node.sortSpill) flat.spill = node.sortSpill.method;
    if (node.buffers) {
      flat.buffers_hit = node.buffers.hit;
      flat.buffers_read = node.buffers.read;
    }
    nodes.push(flat);
  }
  return { nodes, ids };
}

function nodeLine(analyzed: boolean, node: FlatNode): string {
  const parts: string[] = [];
  if (node.est_rows !== undefined) parts.push(`est ${node.est_rows} rows`);
  else if (node.est_examined !== undefined) parts.push(`est ${node.est_examined} rows read`);
  if (node.est_cost !== undefined) parts.push(`cost ${node.est_cost}`);
  if (analyzed && node.actual_rows !== undefined)
    parts.push(
      `actual ${node.actual_rows} rows x${node.loops ?? 1}${node.time_ms !== undefined ? `, ${node.time_ms} ms` : ''}`,
    );
  if (node.rows_removed) parts.push(`removed ${node.rows_removed}`);
  if (node.spill) parts.push(`spill: ${node.spill}`);
  const filter =
    node.filter && !node.label.startsWith('SEARCH')
      ? `  [${node.filter.length > MAX_FILTER ? `${node.filter.slice(0, MAX_FILTER)}...` : node.filter}]`
      : '';
  const sort = node.sort_key?.length ? `  by ${node.sort_key.join(', ')}` : '';
  return `${node.title}${parts.length ? ` (${parts.join(', ')})` : ''}${sort}${filter}`;
}

export interface Analysis {
  summary: string;
  findings: readonly Finding[];
  plan: { analyzed: boolean; execution_ms?: number; nodes: readonly FlatNode[] };
}

/** The tool's text: the summary, the plan as an indented tree, then the findings; at most MAX_TEXT characters. */
export function renderAnalysis({ summary, findings, plan }: Analysis): string {
  const lines: string[] = [
    summary,
    '',
    `Plan${plan.analyzed ? ' (analyzed' : ' (estimated'}${plan.execution_ms !== undefined ? `, ${plan.execution_ms} ms` : ''}):`,
  ];
  for (const node of plan.nodes.slice(0, 40))
    lines.push(`${'  '.repeat(node.depth + 1)}${node.depth ? '-> ' : ''}${nodeLine(plan.analyzed, node)}`);
  if (plan.nodes.length > 40) lines.push('  ... (more nodes in structuredContent.plan)');
  if (findings.length) {
    lines.push('', 'Findings:');
    for (const f of findings) {
      const evidence = Object.entries(f.evidence)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      lines.push(
        `- [${f.severity}] ${f.code} at #${f.node_id} ${f.node}: ${f.message}`,
        `  evidence: ${evidence}`,
        `  fix: ${f.fix}`,
      );
    }
  }
  const text = lines.join('\n');
  return text.length > MAX_TEXT
    ? `${text.slice(0, MAX_TEXT - 60)}\n... (cut at ${MAX_TEXT} characters; structuredContent has it all)`
    : text;
}
