/**
 * Opaque cursors: base64url JSON of an offset and a key naming what is being paged (the filter).
 * A cursor used with another filter, or altered, is refused rather than silently misread.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface CursorBody {
  o: number;
  k: string;
}

export function encodeCursor(offset: number, key: string): string {
  return Buffer.from(JSON.stringify({ o: offset, k: key } satisfies CursorBody)).toString('base64url');
}

/** The offset a cursor points at, or undefined when it is malformed or was made for another key. */
export function decodeCursor(cursor: string, key: string): number | undefined {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
    return body.k === key && Number.isSafeInteger(body.o) && body.o! >= 0 ? body.o : undefined;
  } catch {
    return undefined;
  }
}

export function paginate<T>(all: readonly T[], offset: number, limit: number, key: string): Page<T> {
  const items = all.slice(offset, offset + limit);
  const next = offset + items.length;
  return { items, nextCursor: next < all.length ? encodeCursor(next, key) : null };
}
