import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/**
 * Entries a single write carries. A flush at scale holds tens of thousands of credentials (every
 * token used in the interval): written at once, serializing them blocked the event loop for tens
 * of milliseconds and loaded the store in one burst, which set the cold-verification p99 (issue
 * #13); in chunks, requests are served between them.
 */
export const FLUSH_CHUNK_SIZE = 1_000;

/**
 * The pause between two chunks of a timed flush, so that the store's work is spread over part of
 * the interval rather than done in one burst (a flush of 35 chunks takes 0.7 s of a 5 s interval).
 * Measured on the 10⁶-token scale run, two runs each: cold p99 5/7 and 5/8 ms (10⁴/10⁶ tokens) with
 * the pause, 7/8 and 7/10 ms without. The last flush at shutdown does not pause.
 */
export const FLUSH_CHUNK_PAUSE_MS = 20;

/**
 * What the verifier's write-behind buffers share (last use, token activity): entries collect in
 * `pending` by credential id; a timer, or a caller, flushes them, one flush at a time, taking the
 * whole batch and starting a fresh map, and hands it to `write` in chunks of `FLUSH_CHUNK_SIZE`,
 * pausing between them while running; `stop` ends the timer and flushes once more.
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
    const entries = [...batch];
    for (let start = 0; start < entries.length; start += FLUSH_CHUNK_SIZE) {
      if (start > 0) await (this.running ? sleep(FLUSH_CHUNK_PAUSE_MS) : nextTurn());
      await this.write(new Map(entries.slice(start, start + FLUSH_CHUNK_SIZE)));
    }
    this.flushed(batch.size, performance.now() - started);
  }

  /** Writes one chunk of a flush; catches and reports its own failures. */
  protected abstract write(chunk: Map<string, Entry>): Promise<void>;

  /** After a flush's last chunk: `size` entries taken from `pending`, written or reported. */
  protected flushed(_size: number, _durationMs: number): void {}
}
