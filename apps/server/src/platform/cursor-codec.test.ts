import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, cursorFields, deriveCursorKeys } from './cursor-codec.ts';
import { AppError } from './errors.ts';

const keys = deriveCursorKeys([Buffer.alloc(32, 1)]);
const codec = createCursorCodec(keys);
const timeline = codec.define('timeline', { at: cursorFields.timestamp(), id: cursorFields.id() });
const events = codec.define('events', { id: cursorFields.bigint() });

const MAX_TIME = new Date('9999-12-31T23:59:59.999Z');
const timelinePosition = fc.record({
  at: fc.date({ min: new Date(0), max: MAX_TIME, noInvalidDate: true }),
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,100}$/),
});
const eventPosition = fc.record({
  id: fc.bigInt({ min: 1n, max: 9_223_372_036_854_775_807n }).map(String),
});

/** Decoding a cursor: the position, or the contract's 400 — nothing else, ever. */
function decodeOutcome(decode: () => unknown): 'valid' | 'invalid_request' {
  try {
    decode();
    return 'valid';
  } catch (error) {
    if (error instanceof AppError && error.status === 400 && error.code === 'invalid_request')
      return 'invalid_request';
    throw error;
  }
}

describe('cursor codec', () => {
  it('round-trips every in-range position', () => {
    fc.assert(
      fc.property(timelinePosition, (p) => {
        expect(timeline.decode(timeline.encode(p))).toEqual(p);
      }),
    );
    fc.assert(
      fc.property(eventPosition, (p) => {
        expect(events.decode(events.encode(p))).toEqual(p);
      }),
    );
  });

  it('answers any string with a position or a 400 invalid_request, never another error', () => {
    const anyString = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.base64String(),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{22}$/),
      fc.string({ maxLength: 2000 }),
    );
    fc.assert(
      fc.property(anyString, (input) => {
        for (const list of [timeline, events]) {
          const outcome = decodeOutcome(() => list.decode(input));
          // A random string forging a 128-bit MAC would be a finding in itself.
          expect(outcome).toBe('invalid_request');
          expect(list.tryDecode(input)).toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('detects any change to a cursor (tamper-evident)', () => {
    fc.assert(
      fc.property(timelinePosition, fc.nat(), fc.constantFrom(...'AQgw_-9zZ.=!'), (p, at, replacement) => {
        const cursor = timeline.encode(p);
        const index = at % cursor.length;
        fc.pre(cursor[index] !== replacement);
        const tampered = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
        expect(timeline.tryDecode(tampered)).toBeNull();
      }),
    );
  });

  it('refuses a cursor of another list, of another server key, and forged out-of-range positions', () => {
    const cursor = events.encode({ id: '42' });
    expect(events.decode(cursor)).toEqual({ id: '42' });
    expect(codec.define('other', { id: cursorFields.bigint() }).tryDecode(cursor)).toBeNull();
    expect(
      createCursorCodec(deriveCursorKeys([Buffer.alloc(32, 2)]))
        .define('events', { id: cursorFields.bigint() })
        .tryDecode(cursor),
    ).toBeNull();
    // Signed with the right key but naming positions no store can hold: still refused.
    const forge = (payload: string) => {
      const mac = createHmac('sha256', keys[0]!).update(`events\u0000${payload}`).digest().subarray(0, 16);
      return `${Buffer.from(payload).toString('base64url')}.${mac.toString('base64url')}`;
    };
    expect(events.tryDecode(forge('1:42'))).toEqual({ id: '42' });
    for (const payload of ['1:9999999999999999999', '1:0', '1:-1', '1:01', '2:42', '1:42:43', '1:']) {
      expect(events.tryDecode(forge(payload)), payload).toBeNull();
    }
  });

  it('keeps accepting cursors signed by an older key of the ring', () => {
    const [newKey] = deriveCursorKeys([Buffer.alloc(32, 9)]);
    const rotated = createCursorCodec([newKey!, ...keys]).define('events', { id: cursorFields.bigint() });
    expect(rotated.decode(events.encode({ id: '7' }))).toEqual({ id: '7' });
  });

  it('names the query parameter in the 400', () => {
    try {
      events.decode('nope', 'page');
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).errors).toEqual([
        { path: 'query.page', message: 'must be a next_cursor from this list' },
      ]);
    }
  });

  it('refuses to write a position it could not read back', () => {
    expect(() => timeline.encode({ at: new Date('+010000-01-01T00:00:00Z'), id: 'x' })).toThrow(
      /out of range/,
    );
  });
});
