import { AppError } from './errors.ts';

/**
 * Bounds expensive work (argon2 password hashing): at most `concurrency` jobs run, at most
 * `queueLimit` wait in order, and anything beyond is shed at once with 503 and `Retry-After`.
 * Shedding keeps a flood of sign-ins from building a queue that times every caller out, and from
 * crowding the thread pool that file uploads and DNS also use.
 */
export class WorkLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Jobs refused because the queue was full (for metrics). */
  shed = 0;

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency) {
      this.active += 1;
    } else if (this.waiting.length < this.queueLimit) {
      // The slot is handed over by `release`, so `active` already counts this job when it wakes.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.shed += 1;
      throw new AppError(
        'service_unavailable',
        'The server is busy checking other sign-ins; retry shortly.',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
