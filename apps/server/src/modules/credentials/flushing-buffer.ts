/**
 * What the verifier's write-behind buffers share (last use, token activity): entries collect in
 * `pending` by credential id; a timer, or a caller, flushes them, one flush at a time, handing
 * the whole batch to `write` and starting a fresh map; `stop` ends the timer and flushes once more.
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
    await this.write(batch);
  }

  /** Writes one batch; catches and reports its own failures. */
  protected abstract write(batch: Map<string, Entry>): Promise<void>;
}
