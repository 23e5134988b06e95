/**
 * The one cursor codec of the list routes (work lists, alerts): keyset paging on (a time, an id).
 * A cursor is opaque base64url JSON `[tag, time, id]`; decoding checks every part strictly, so
 * that a forged cursor is an `InvalidCursor` (400 at the door), never a value the database refuses
 * (a 500) or one that changes the query's meaning: the time must be exactly what the encoder
 * writes (`Date.toISOString()`, years 0001–9999), the id must have the list's id shape.
 */
export class InvalidCursor extends Error {
  constructor() {
    super('cursor is not one this service handed out: start again without a cursor');
    this.name = 'InvalidCursor';
  }
}

export interface CursorCodec {
  encode(at: string, id: string): string;
  /** Throws {@link InvalidCursor} for anything `encode` did not produce. */
  decode(cursor: string): [at: string, id: string];
}

const ISO_UTC = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_CURSOR_LENGTH = 1000;

function isEncodedTime(s: string): boolean {
  const m = ISO_UTC.exec(s);
  if (!m || Number(m[1]) < 1) return false;
  const t = new Date(s);
  return !Number.isNaN(t.getTime()) && t.toISOString() === s;
}

/** A codec for one list: `tag` tells the lists' cursors apart, `isId` is the shape of its ids. */
export function cursorCodec(tag: string, isId: (id: string) => boolean): CursorCodec {
  return {
    encode(at, id) {
      return Buffer.from(JSON.stringify([tag, at, id]), 'utf8').toString('base64url');
    },
    decode(cursor) {
      if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+={0,2}$/.test(cursor))
        throw new InvalidCursor();
      let v: unknown;
      try {
        v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursor();
      }
      if (!Array.isArray(v) || v.length !== 3 || v[0] !== tag || typeof v[1] !== 'string' || typeof v[2] !== 'string') throw new InvalidCursor();
      if (!isEncodedTime(v[1]) || !isId(v[2])) throw new InvalidCursor();
      return [v[1], v[2]];
    },
  };
}
