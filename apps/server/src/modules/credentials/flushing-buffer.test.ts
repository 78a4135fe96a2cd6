import { describe, expect, it } from 'vitest';
import { FLUSH_CHUNK_SIZE, FlushingBuffer, type FlushingBufferOptions } from './flushing-buffer.ts';

interface Uses {
  uses: number;
  urgent?: boolean;
}

/** Records what each write carried; `failing` makes writes fail. */
class RecordingBuffer extends FlushingBuffer<Uses> {
  readonly writes: Array<Record<string, number>> = [];
  /** Each flush's outcome, as `flushed` reports it. */
  readonly flushes: Array<{ size: number; allWritten: boolean }> = [];
  failing = false;

  constructor(options: FlushingBufferOptions) {
    super(options);
  }

  use(id: string, urgent = false) {
    const entry = this.pending.get(id);
    if (entry) entry.uses += 1;
    else this.pending.set(id, { uses: 1, urgent });
  }

  protected override canSettle(entry: Uses): boolean {
    return !entry.urgent;
  }

  protected override flushed(size: number, _durationMs: number, allWritten: boolean) {
    this.flushes.push({ size, allWritten });
  }

  protected async write(chunk: Map<string, Uses>): Promise<boolean> {
    if (this.failing) return false;
    this.writes.push(Object.fromEntries([...chunk].map(([id, entry]) => [id, entry.uses])));
    return true;
  }
}

function bufferAt(settleMs: number) {
  let now = 0;
  const buffer = new RecordingBuffer({ flushIntervalMs: 5_000, settleMs, now: () => now });
  return { buffer, advance: (ms: number) => (now += ms) };
}

describe('FlushingBuffer settle window', () => {
  it('writes a credential at once the first time, then lets its uses add up until the window has passed', async () => {
    const { buffer, advance } = bufferAt(30_000);
    buffer.use('a');
    await buffer.flushDue();
    expect(buffer.writes).toEqual([{ a: 1 }]);

    advance(5_000);
    buffer.use('a');
    buffer.use('b');
    await buffer.flushDue();
    // b was never written: due at once; a was written 5 s ago: it waits.
    expect(buffer.writes).toEqual([{ a: 1 }, { b: 1 }]);
    expect(buffer.pendingCount).toBe(1);

    advance(20_000);
    buffer.use('a');
    await buffer.flushDue();
    expect(buffer.writes).toHaveLength(2);

    advance(5_000);
    await buffer.flushDue();
    // 30 s after its first write: every use since, in one write.
    expect(buffer.writes).toEqual([{ a: 1 }, { b: 1 }, { a: 2 }]);
    expect(buffer.pendingCount).toBe(0);
  });

  it('flush() and stop() write everything pending, settled or not', async () => {
    const { buffer, advance } = bufferAt(30_000);
    buffer.use('a');
    await buffer.flushDue();
    advance(1_000);
    buffer.use('a');
    await buffer.flushDue();
    expect(buffer.writes).toHaveLength(1);
    await buffer.flush();
    expect(buffer.writes).toEqual([{ a: 1 }, { a: 1 }]);

    buffer.use('a');
    await buffer.stop();
    expect(buffer.writes).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }]);
  });

  it('never holds back an entry that may not wait', async () => {
    const { buffer } = bufferAt(30_000);
    buffer.use('s', true);
    await buffer.flushDue();
    buffer.use('s', true);
    await buffer.flushDue();
    expect(buffer.writes).toEqual([{ s: 1 }, { s: 1 }]);
  });

  it('a failed write starts no window: the retried entry is due at the next flush', async () => {
    const { buffer } = bufferAt(30_000);
    buffer.failing = true;
    buffer.use('a');
    await buffer.flushDue();
    buffer.failing = false;
    buffer.use('a');
    await buffer.flushDue();
    expect(buffer.writes).toEqual([{ a: 1 }]);
    // The failed flush is reported as such (the last-use metrics count it as an error, not ok).
    expect(buffer.flushes).toEqual([
      { size: 1, allWritten: false },
      { size: 1, allWritten: true },
    ]);
  });

  it('without a window every flush writes every entry, in chunks', async () => {
    const { buffer } = bufferAt(0);
    for (let i = 0; i < FLUSH_CHUNK_SIZE + 1; i += 1) buffer.use(`c${i}`);
    await buffer.flushDue();
    expect(buffer.writes.map((write) => Object.keys(write).length)).toEqual([FLUSH_CHUNK_SIZE, 1]);
    buffer.use('c0');
    await buffer.flushDue();
    expect(buffer.writes[2]).toEqual({ c0: 1 });
  });
});
