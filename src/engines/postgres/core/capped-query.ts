/**
 * One statement through the extended protocol with a row cap, in a single round trip and a
 * single write: Parse, Bind, Describe, Execute(rows = cap), Sync. The server stops at the cap (PortalSuspended),
 * so a huge result is never fetched, and the extended protocol refuses more than one statement.
 * pg's own Query would fetch past the cap; pg-cursor needs an extra round trip to close.
 */
import type { CellValue } from '../../contract/engine.js';

interface FieldDescription {
  name: string;
  dataTypeID: number;
  /** The table and column a result column is read from directly; 0 for expressions. */
  tableID: number;
  columnID: number;
}

interface WireConnection {
  stream: { cork(): void; uncork(): void };
  parse(msg: { text: string }, more?: boolean): void;
  bind(msg: { portal: string; statement: string; values: (string | null)[] }, more?: boolean): void;
  describe(msg: { type: 'P'; name: string }, more?: boolean): void;
  execute(msg: { portal: string; rows: number }, more?: boolean): void;
  sync(): void;
}

export interface CappedResult {
  fields: FieldDescription[];
  rows: CellValue[][];
  /** The server suspended the portal: more rows were there. */
  suspended: boolean;
}

type Parse = (text: string) => CellValue;

export class CappedQuery {
  readonly promise: Promise<CappedResult>;
  #resolve!: (r: CappedResult) => void;
  #reject!: (e: unknown) => void;
  #fields: FieldDescription[] = [];
  #parsers: Parse[] = [];
  readonly #rows: CellValue[][] = [];
  #suspended = false;

  constructor(
    private readonly text: string,
    private readonly values: readonly CellValue[],
    private readonly cap: number,
    private readonly parserFor: (oid: number) => Parse,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: WireConnection): void {
    const values = this.values.map((v) => (v === null ? null : String(v)));
    connection.stream.cork(); // five messages, one write: pg would otherwise send each alone
    try {
      connection.parse({ text: this.text }, true);
      connection.bind({ portal: '', statement: '', values }, true);
      connection.describe({ type: 'P', name: '' }, true);
      connection.execute({ portal: '', rows: this.cap }, true);
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    this.#fields = msg.fields;
    this.#parsers = msg.fields.map((f) => this.parserFor(f.dataTypeID));
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.#rows.push(msg.fields.map((text, i) => (text === null ? null : this.#parsers[i]!(text))));
  }

  handlePortalSuspended(): void {
    this.#suspended = true;
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}

  handleError(err: unknown): void {
    this.#reject(err);
  }

  handleReadyForQuery(): void {
    this.#resolve({ fields: this.#fields, rows: this.#rows, suspended: this.#suspended });
  }

  handleCopyInResponse(connection: { sendCopyFail(msg: string): void }): void {
    connection.sendCopyFail('COPY is not allowed');
  }

  handleCopyData(): void {}
}
