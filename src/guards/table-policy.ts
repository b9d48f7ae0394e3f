/**
 * Which relations a source may expose: `deny_tables` patterns `table`, `schema.table`, `schema.*`
 * or `*.table`, case-insensitive. An unqualified name in a query (its schema comes from the search
 * path, which the guard cannot see) matches a pattern for that name in any schema: fail closed.
 */
import type { TableName } from '../core/classification.js';

interface Pattern {
  schema: string | null; // null: any schema
  name: string | null; // null: any table
}

function compile(pattern: string): Pattern {
  const [a, b] = pattern.toLowerCase().split('.', 2);
  if (b === undefined) return { schema: null, name: a === '*' ? null : a! };
  return { schema: a === '*' ? null : a!, name: b === '*' ? null : b };
}

export class TablePolicy {
  readonly #patterns: Pattern[];

  constructor(patterns: readonly string[]) {
    this.#patterns = patterns.map(compile);
  }

  get empty(): boolean {
    return this.#patterns.length === 0;
  }

  denies(table: TableName): boolean {
    const schema = table.schema?.toLowerCase();
    const name = table.name.toLowerCase();
    return this.#patterns.some(
      (p) => (p.name === null || p.name === name) && (p.schema === null || schema === undefined || p.schema === schema),
    );
  }

  /**
   * Whether a statement text that cannot be parsed (other sessions' statements, possibly cut
   * short) names something this list denies: the table's name as a word (quoted or not), or for
   * `schema.*` the schema followed by a dot. Errs towards yes.
   */
  mentionedIn(text: string): boolean {
    const word = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.#patterns.some((p) => {
      if (p.name === null && p.schema === null) return true;
      const re =
        p.name !== null
          ? new RegExp(`(^|[^\\w$])"?${word(p.name)}"?([^\\w$]|$)`, 'i')
          : new RegExp(`(^|[^\\w$])"?${word(p.schema!)}"?\\s*\\.`, 'i');
      return re.test(text);
    });
  }
}

const policies = new WeakMap<readonly string[], TablePolicy>();

/** One compiled policy per source's (frozen) pattern list. */
export function tablePolicy(patterns: readonly string[]): TablePolicy {
  let policy = policies.get(patterns);
  if (!policy) policies.set(patterns, (policy = new TablePolicy(patterns)));
  return policy;
}
