/** Value types every layer shares. */

/**
 * A cell as it reaches the client: JSON numbers only where no precision can be lost (int2/int4,
 * finite floats), booleans, null; everything else (bigint, numeric, timestamps, bytes as hex,
 * JSON, arrays) as the server's own text form.
 */
export type CellValue = string | number | boolean | null;

export interface TableRef {
  schema: string;
  name: string;
}
