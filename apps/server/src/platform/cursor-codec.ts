import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors.ts';

/**
 * The one cursor format of every paged list (ADR 0015). A cursor is opaque and tamper-evident:
 * `base64url(payload) "." base64url(MAC)`, where the payload is the version and the position's
 * fields, and the MAC is HMAC-SHA-256 (first 128 bits) over the list's name and the payload under
 * a server key. A cursor this server did not write, or wrote for another list, or whose fields do
 * not decode to an in-range position, is 400 `invalid_request` — never a query that fails later.
 *
 * Keys form a ring like the encryption keys: the first signs, all verify, so a key rotation does
 * not invalidate cursors handed out just before it.
 */

/** How one field of a position is written into a cursor and read back (null: not a valid value). */
export interface CursorField<T> {
  write(value: T): string;
  read(text: string): T | null;
}

/** Largest instant PostgreSQL and every client can take as a date: 9999-12-31T23:59:59.999Z. */
const MAX_TIME_MS = 253_402_300_799_999;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

export const cursorFields = {
  /** A timestamp to the millisecond, 1970 to 9999. */
  timestamp: (): CursorField<Date> => ({
    write: (value) => String(value.getTime()),
    read: (text) => {
      if (!/^(0|[1-9][0-9]{0,14})$/.test(text)) return null;
      const ms = Number(text);
      return ms <= MAX_TIME_MS ? new Date(ms) : null;
    },
  }),
  /** A positive PostgreSQL bigint (an identity column), kept as its decimal text. */
  bigint: (): CursorField<string> => ({
    write: (value) => value,
    read: (text) => (/^[1-9][0-9]{0,18}$/.test(text) && BigInt(text) <= MAX_BIGINT ? text : null),
  }),
  /** An opaque id of up to 100 characters of [A-Za-z0-9_-]. */
  id: (): CursorField<string> => ({
    write: (value) => value,
    read: (text) => (/^[A-Za-z0-9_-]{1,100}$/.test(text) ? text : null),
  }),
};

type Position<Fields> = { [K in keyof Fields]: Fields[K] extends CursorField<infer T> ? T : never };

export interface ListCursor<Fields extends Record<string, CursorField<unknown>>> {
  encode(position: Position<Fields>): string;
  /** The position, or null for anything that is not a cursor of this list. Never throws. */
  tryDecode(cursor: string): Position<Fields> | null;
  /** The position, or AppError 400 `invalid_request` naming the `parameter`. */
  decode(cursor: string, parameter?: string): Position<Fields>;
}

const VERSION = '1';
const MAC_BYTES = 16;
const MAC_TEXT_LENGTH = Math.ceil((MAC_BYTES * 4) / 3);
const MAX_CURSOR_LENGTH = 400;
const SHAPE = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_CURSOR_LENGTH}}\\.[A-Za-z0-9_-]{${MAC_TEXT_LENGTH}}$`);

/** Cursor MAC keys derived (HKDF-SHA-256) from the server's secret keys; a random one if none is configured. */
export function deriveCursorKeys(secrets: Uint8Array[]): Buffer[] {
  const sources = secrets.length > 0 ? secrets : [randomBytes(32)];
  return sources.map((secret) =>
    Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cursor-mac-v1', 32)),
  );
}

export function createCursorCodec(keys: Buffer[]) {
  if (keys.length === 0) throw new Error('a cursor codec needs at least one key');

  function mac(key: Buffer, list: string, payload: string): Buffer {
    return createHmac('sha256', key).update(`${list}\u0000${payload}`).digest().subarray(0, MAC_BYTES);
  }

  return {
    /** A cursor type for one list; `list` names it in the MAC, so cursors cannot cross lists. */
    define<Fields extends Record<string, CursorField<unknown>>>(
      list: string,
      fields: Fields,
    ): ListCursor<Fields> {
      const names = Object.keys(fields) as Array<keyof Fields & string>;

      function tryDecode(cursor: string): Position<Fields> | null {
        if (typeof cursor !== 'string' || !SHAPE.test(cursor)) return null;
        const [payloadText, macText] = cursor.split('.') as [string, string];
        const payloadBytes = Buffer.from(payloadText, 'base64url');
        // Node's decoder ignores stray bits and characters; only the canonical spelling is ours.
        if (payloadBytes.toString('base64url') !== payloadText) return null;
        const given = Buffer.from(macText, 'base64url');
        if (given.length !== MAC_BYTES || given.toString('base64url') !== macText) return null;
        const payload = payloadBytes.toString('utf8');
        if (!keys.some((key) => timingSafeEqual(mac(key, list, payload), given))) return null;
        const parts = payload.split(':');
        if (parts.length !== names.length + 1 || parts[0] !== VERSION) return null;
        const position: Record<string, unknown> = {};
        for (const [index, name] of names.entries()) {
          const value = fields[name]!.read(parts[index + 1]!);
          if (value === null) return null;
          position[name] = value;
        }
        return position as Position<Fields>;
      }

      return {
        encode(position) {
          const values = names.map((name) => {
            const text = fields[name]!.write(position[name]);
            if (fields[name]!.read(text) === null) throw new Error(`cursor field ${name} is out of range`);
            return text;
          });
          const payload = [VERSION, ...values].join(':');
          return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(keys[0]!, list, payload).toString('base64url')}`;
        },
        tryDecode,
        decode(cursor, parameter = 'cursor') {
          const position = tryDecode(cursor);
          if (position === null) {
            throw new AppError('invalid_request', 'The cursor is not valid.', {
              errors: [{ path: `query.${parameter}`, message: 'must be a next_cursor from this list' }],
            });
          }
          return position;
        },
      };
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
