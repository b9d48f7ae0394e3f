/** The compact text beside structuredContent: proposals with their DDL, then the queries left alone and the drop candidates. */
import type { Advice } from './advise.js';

const mb = (b: number | null) =>
  b === null ? '?' : b >= 1048576 ? `${(b / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(b / 1024))} kB`;

export function renderAdvice(out: Advice & { summary: string }): string {
  const lines = [
    out.summary,
    `verification: ${out.verification.method}${out.verification.notes.length ? ` — ${out.verification.notes.join(' ')}` : ''}`,
  ];
  for (const p of out.proposals) {
    const gain = p.improvement === null ? '' : ` (-${Math.round(p.improvement * 100)}%)`;
    lines.push(
      '',
      `+ ${p.ddl}`,
      `  ${p.kind}; cost ${p.cost_before ?? '?'} -> ${p.cost_after ?? '?'}${gain}; size ${mb(p.size_bytes)}; queries ${p.queries_helped.join(', ')}; ${p.verified_by}, ${p.confidence} confidence`,
      `  ${p.rationale}`,
    );
  }
  if (out.no_change.length) {
    lines.push('', 'no index:');
    for (const n of out.no_change) lines.push(`- ${n.query ? `query ${n.query}` : n.sql.slice(0, 60)}: ${n.reason}`);
  }
  if (out.drop_candidates.length) {
    lines.push('', 'existing indexes to consider dropping:');
    for (const d of out.drop_candidates)
      lines.push(
        `- ${d.table} ${d.index} [${d.kind}${d.size_bytes !== null ? `, ${mb(d.size_bytes)}` : ''}]: ${d.reason}`,
      );
  }
  return lines.join('\n');
}
