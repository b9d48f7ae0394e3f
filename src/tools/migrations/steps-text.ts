/**
 * The exact text of a plan's steps: what the person approving reads, what its sha256 covers, and
 * (its statements, byte for byte) what runs. Comment lines explain; every other line is a statement.
 */
import type { RunnableStep } from '../../engines/contract/migrations.js';

function header(s: RunnableStep, total: number): string[] {
  const where = s.transactional ? 'in a transaction' : 'outside a transaction';
  const undo = s.irreversible
    ? `-- irreversible: ${s.irreversible.reason}; back up first: ${s.irreversible.backup}`
    : s.rollback
      ? `-- rollback: ${s.rollback.replace(/\n/g, ' ')}`
      : '-- rollback: none needed';
  return [`-- step ${s.n}/${total} (statement ${s.from_statement + 1}, ${where}): ${s.purpose}`, undo];
}

export function stepsText(steps: readonly RunnableStep[]): string {
  return (
    steps.map((s) => [...header(s, steps.length), ...s.statements.map((q) => `${q};`)].join('\n')).join('\n\n') + '\n'
  );
}
