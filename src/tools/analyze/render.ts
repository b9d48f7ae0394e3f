/** The plan as a flat list (ids, parent ids, depth) and as compact text, one line per node. */
import type { PlanNode, PlanResult } from '../../engines/plan.js';
import { walkPlan } from '../../engines/plan.js';
import { describeNode, type Finding } from './findings.js';

export interface FlatNode {
  id: number;
  parent: number | null;
  depth: number;
  op: PlanNode['op'];
  label: string;
  relation?: string;
  index?: string;
  filter?: string;
  sort_key?: string[];
  est_rows?: number;
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
    const flat: FlatNode = { id, parent: parent ? (ids.get(parent) ?? null) : null, depth, op: node.op, label: node.label };
    if (node.relation) flat.relation = node.schema && node.schema !== 'main' ? `${node.schema}.${node.relation}` : node.relation;
    if (node.index) flat.index = node.index;
    if (node.filter) flat.filter = node.filter.length > MAX_FILTER * 3 ? `${node.filter.slice(0, MAX_FILTER * 3)}...` : node.filter;
    if (node.sortKey) flat.sort_key = node.sortKey;
    if (node.estRows !== undefined) flat.est_rows = node.estRows;
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

function nodeLine(plan: PlanResult, node: PlanNode): string {
  const parts: string[] = [];
  if (node.estRows !== undefined) parts.push(`est ${node.estRows} rows`);
  else if (node.estExamined !== undefined) parts.push(`est ${node.estExamined} rows read`);
  if (node.estCost !== undefined) parts.push(`cost ${node.estCost}`);
  if (plan.analyzed && node.actualRows !== undefined) parts.push(`actual ${node.actualRows} rows x${node.loops ?? 1}${node.timeMs !== undefined ? `, ${node.timeMs} ms` : ''}`);
  if (node.rowsRemoved) parts.push(`removed ${node.rowsRemoved}`);
  if (node.sortSpill) parts.push(`spill: ${node.sortSpill.method}`);
  const filter = node.filter && !node.label.startsWith('SEARCH') ? `  [${node.filter.length > MAX_FILTER ? `${node.filter.slice(0, MAX_FILTER)}...` : node.filter}]` : '';
  const sort = node.sortKey?.length ? `  by ${node.sortKey.join(', ')}` : '';
  return `${describeNode(node)}${parts.length ? ` (${parts.join(', ')})` : ''}${sort}${filter}`;
}

export function renderAnalysis(plan: PlanResult, summary: string, findings: readonly Finding[]): string {
  const lines: string[] = [summary, '', `Plan${plan.analyzed ? ' (analyzed' : ' (estimated'}${plan.executionMs !== undefined ? `, ${plan.executionMs} ms` : ''}):`];
  let count = 0;
  for (const { node, depth } of walkPlan(plan.root)) {
    if (++count > 40) {
      lines.push('  ... (more nodes in structuredContent.plan)');
      break;
    }
    lines.push(`${'  '.repeat(depth + 1)}${depth ? '-> ' : ''}${nodeLine(plan, node)}`);
  }
  if (findings.length) {
    lines.push('', 'Findings:');
    for (const f of findings) {
      const evidence = Object.entries(f.evidence).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join(', ');
      lines.push(`- [${f.severity}] ${f.code} at #${f.node_id} ${f.node}: ${f.message}`, `  evidence: ${evidence}`, `  fix: ${f.fix}`);
    }
  }
  const text = lines.join('\n');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 60)}\n... (cut at ${MAX_TEXT} characters; structuredContent has it all)` : text;
}
