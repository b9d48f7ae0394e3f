/**
 * Lexical facts about one SQL text: enough to explain a syntax error (was it two statements?)
 * and to decide whether the connection may go back to the pool afterwards. Not a classifier:
 * what may run at all is decided before the engine is called.
 *
 * Quotes ('', "", ``), comments (-- , #, slash-star) are skipped; MySQL's executable comments
 * (slash-star-bang, slash-star-M-bang) are read as code, because the server runs them.
 */

export interface SqlShape {
  /** The first keyword, upper-cased; '' when there is none. */
  firstWord: string;
  /** Pieces of code separated by top-level semicolons (trailing empty pieces not counted). */
  statements: number;
  /** The text holds an executable comment. */
  executableComment: boolean;
  /** Something that outlives the statement in the session: GET_LOCK, `:=`, INTO @var. */
  sessionEffects: boolean;
  /** SELECT ... INTO OUTFILE / DUMPFILE: a file written on the server host, read-only transaction or not. */
  writesServerFile: boolean;
}

/** Statements after which the session is known to be as we left it. */
const SESSION_SAFE = new Set(['SELECT', 'WITH', 'SHOW', 'EXPLAIN', 'DESCRIBE', 'DESC', 'VALUES', 'TABLE', 'HELP']);

export function inspectSql(sql: string): SqlShape {
  const scan = new Scanner(sql);
  scan.run();
  const { firstWord, statements, executableComment, sessionEffects, writesServerFile } = scan;
  return { firstWord, statements, executableComment, sessionEffects, writesServerFile };
}

/** True when the statement cannot have changed session state (SET, USE, PREPARE, GET_LOCK, ...). */
export function leavesSessionClean(shape: SqlShape): boolean {
  return (
    !shape.executableComment && !shape.sessionEffects && shape.statements <= 1 && SESSION_SAFE.has(shape.firstWord)
  );
}

class Scanner {
  firstWord = '';
  statements = 0;
  executableComment = false;
  sessionEffects = false;
  writesServerFile = false;
  #previousWord = '';
  #i = 0;
  #inExec = false;
  #pieceHasCode = false;

  constructor(private readonly sql: string) {}

  run(): void {
    while (this.#i < this.sql.length) this.#step();
    if (this.#pieceHasCode) this.statements++;
  }

  #step(): void {
    const { sql } = this;
    const c = sql[this.#i]!;
    const next = sql[this.#i + 1];
    if (c === "'" || c === '"' || c === '`') return this.#code(this.#skipQuoted(c));
    if (c === '#' || (c === '-' && next === '-' && /[\s]|^$/.test(sql[this.#i + 2] ?? '')))
      return this.#skipTo('\n', 1);
    if (c === '/' && next === '*') return this.#openBlockComment();
    if (c === '*' && next === '/' && this.#inExec) return this.#closeExec();
    if (c === ';') return this.#endPiece();
    if (c === ':' && next === '=') this.sessionEffects = true;
    if (c === '@' && this.#previousWord === 'INTO') this.sessionEffects = true;
    if (/\s/.test(c)) return void this.#i++;
    if (/[A-Za-z_]/.test(c)) return this.#code(this.#readWord());
    this.#code(this.#i + 1);
  }

  #code(end: number): void {
    this.#pieceHasCode = true;
    this.#i = end;
  }

  #readWord(): number {
    const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(this.sql.slice(this.#i, this.#i + 64));
    const word = (match?.[0] ?? '').toUpperCase();
    if (this.statements === 0 && !this.firstWord) this.firstWord = word;
    if (word === 'GET_LOCK') this.sessionEffects = true;
    if (this.#previousWord === 'INTO' && (word === 'OUTFILE' || word === 'DUMPFILE')) this.writesServerFile = true;
    this.#previousWord = word;
    return this.#i + Math.max(word.length, 1);
  }

  #skipQuoted(quote: string): number {
    let j = this.#i + 1;
    while (j < this.sql.length) {
      const ch = this.sql[j];
      if (ch === '\\' && quote !== '`') j += 2;
      else if (ch === quote && this.sql[j + 1] === quote) j += 2;
      else if (ch === quote) return j + 1;
      else j++;
    }
    return j;
  }

  /** Moves past the next `terminator` found `from` characters on. */
  #skipTo(terminator: string, from: number): void {
    const at = this.sql.indexOf(terminator, this.#i + from);
    this.#i = at < 0 ? this.sql.length : at + terminator.length;
  }

  #openBlockComment(): void {
    const exec = /^\/\*M?!\d*/.exec(this.sql.slice(this.#i, this.#i + 12));
    if (!exec) return this.#skipTo('*/', 2);
    this.executableComment = true;
    this.#inExec = true;
    this.#i += exec[0].length;
  }

  #closeExec(): void {
    this.#inExec = false;
    this.#i += 2;
  }

  #endPiece(): void {
    if (this.#pieceHasCode) this.statements++;
    this.#pieceHasCode = false;
    this.#i++;
  }
}
