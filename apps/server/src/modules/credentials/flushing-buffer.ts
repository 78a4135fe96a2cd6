import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Entries a single write carries. A flush at scale holds tens of thousands of credentials (every
 * token used in the interval): written at once, serializing them blocked the event loop for tens
 * of milliseconds and loaded the store in one burst, which set the cold-verification p99 (issue
 * #13); in chunks, requests are served between them.
 */
export const FLUSH_CHUNK_SIZE = 1_000;

/**
 * What the verifier's write-behind buffers share (last use, token activity): entries collect in
 * `pending` by credential id; a timer, or a caller, flushes them, one flush at a time, taking the
 * whole batch and starting a fresh map, and hands it to `write` in chunks of `FLUSH_CHUNK_SIZE`,
 * yielding to the event loop between them; `stop` ends the timer and flushes once more.
 * `write` keeps its own failures (it counts and reports them): a flush never rejects.
 */
export abstract class FlushingBuffer<Entry> {
  protected pending = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly flushIntervalMs: number) {}

  /** Between `start` and `stop`: a failed batch may be kept for the next flush. */
  protected get running(): boolean {
    return this.timer !== undefined;
  }

  start() {
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async writePending() {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const started = performance.now();
    let chunk = new Map<string, Entry>();
    for (const [id, entry] of batch) {
      chunk.set(id, entry);
      if (chunk.size < FLUSH_CHUNK_SIZE) continue;
      await this.write(chunk);
      chunk = new Map();
      await nextTurn();
    }
    if (chunk.size > 0) await this.write(chunk);
    this.flushed(batch.size, performance.now() - started);
  }

  /** Writes one chunk of a flush; catches and reports its own failures. */
  protected abstract write(chunk: Map<string, Entry>): Promise<void>;

  /** After a flush's last chunk: `size` entries taken from `pending`, written or reported. */
  protected flushed(_size: number, _durationMs: number): void {}
}
