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

/** Credentials remembered as recently written, at most (the oldest are forgotten first). */
const RECENTLY_WRITTEN_MAX = 200_000;

export interface FlushingBufferOptions {
  flushIntervalMs: number;
  /**
   * A credential written less than this long ago waits (its uses keep adding up in memory) until
   * a timed flush after the window: a token in constant use costs one write per window, not one
   * per interval (ADR 0041). 0 writes every credential at every flush.
   */
  settleMs?: number;
  /** Monotonic milliseconds, for the settle window. */
  now?: () => number;
}

/**
 * What the verifier's write-behind buffers share (last use, token activity): entries collect in
 * `pending` by credential id; a timer flushes those that are due (not written within `settleMs`),
 * one flush at a time, and hands them to `write` in chunks of `FLUSH_CHUNK_SIZE`, pausing between
 * them while running. `flush()` (callers, tests) and `stop` write everything pending.
 * `write` keeps its own failures (it counts and reports them) and says whether the chunk was
 * written: a flush never rejects, and only written credentials start a settle window.
 */
export abstract class FlushingBuffer<Entry> {
  protected pending = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Credential id → when it was last written; insertion order is age order. */
  private readonly recentlyWritten = new Map<string, number>();
  private readonly flushIntervalMs: number;
  private readonly settleMs: number;
  private readonly now: () => number;

  constructor(options: FlushingBufferOptions) {
    this.flushIntervalMs = options.flushIntervalMs;
    this.settleMs = options.settleMs ?? 0;
    this.now = options.now ?? (() => performance.now());
  }

  /** Between `start` and `stop`: a failed batch may be kept for the next flush. */
  protected get running(): boolean {
    return this.timer !== undefined;
  }

  start() {
    this.timer = setInterval(() => void this.flushDue(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes everything pending, settled or not. */
  flush(): Promise<void> {
    return this.enqueue(() => this.takeAll());
  }

  /** What the timer does: writes the entries whose settle window has passed. */
  flushDue(): Promise<void> {
    return this.enqueue(() => (this.settleMs > 0 ? this.takeDue() : this.takeAll()));
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Entries not written yet: waiting for the next flush or for their settle window. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Whether an entry may wait out the settle window (a session's sliding expiry may not). */
  protected canSettle(_entry: Entry): boolean {
    return true;
  }

  private enqueue(take: () => Map<string, Entry>): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch(take()));
    return this.flushing;
  }

  private takeAll(): Map<string, Entry> {
    const batch = this.pending;
    this.pending = new Map();
    return batch;
  }

  private takeDue(): Map<string, Entry> {
    const now = this.now();
    this.forgetSettled(now);
    const due = new Map<string, Entry>();
    for (const [id, entry] of this.pending) {
      if (this.recentlyWritten.has(id) && this.canSettle(entry)) continue;
      due.set(id, entry);
    }
    for (const id of due.keys()) this.pending.delete(id);
    return due;
  }

  /** Drops the ids whose window has passed: they are due again. */
  private forgetSettled(now: number) {
    for (const [id, writtenAt] of this.recentlyWritten) {
      if (now - writtenAt < this.settleMs) break;
      this.recentlyWritten.delete(id);
    }
  }

  private markWritten(chunk: Map<string, Entry>) {
    if (this.settleMs <= 0) return;
    const now = this.now();
    for (const id of chunk.keys()) {
      this.recentlyWritten.delete(id);
      this.recentlyWritten.set(id, now);
    }
    for (const id of this.recentlyWritten.keys()) {
      if (this.recentlyWritten.size <= RECENTLY_WRITTEN_MAX) break;
      this.recentlyWritten.delete(id);
    }
  }

  private async writeBatch(batch: Map<string, Entry>) {
    if (batch.size === 0) return;
    const started = performance.now();
    const entries = [...batch];
    let allWritten = true;
    for (let start = 0; start < entries.length; start += FLUSH_CHUNK_SIZE) {
      if (start > 0) await (this.running ? sleep(FLUSH_CHUNK_PAUSE_MS) : nextTurn());
      const chunk = new Map(entries.slice(start, start + FLUSH_CHUNK_SIZE));
      if (await this.write(chunk)) this.markWritten(chunk);
      else allWritten = false;
    }
    this.flushed(batch.size, performance.now() - started, allWritten);
  }

  /** Writes one chunk of a flush; catches and reports its own failures; true when written. */
  protected abstract write(chunk: Map<string, Entry>): Promise<boolean>;

  /** After a flush's last chunk: `size` entries taken from `pending`; `allWritten` unless a chunk failed. */
  protected flushed(_size: number, _durationMs: number, _allWritten: boolean): void {}
}
