import pg from 'pg';

type CheckoutCallback = (
  error: Error | undefined,
  client: pg.PoolClient | undefined,
  release: (release?: unknown) => void,
) => void;

/**
 * pg's pool with its checkout deadline (`connectionTimeoutMillis`) armed only for a checkout that
 * may have to wait. pg-pool arms a timer on every checkout, also when an idle client is there to
 * take: on a cached PAT read that is about 1 % of the request's CPU (issue #13, ADR 0046). When
 * more clients are idle than checkouts are queued, this one is served from them on the next tick:
 * the queue is first come, first served, and an idle client that goes away meanwhile leaves room
 * for a new one, whose connecting is timed as before.
 */
export class DeadlinePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: CheckoutCallback): void;
  override connect(callback?: CheckoutCallback): Promise<pg.PoolClient> | undefined {
    const checkout = () => {
      if (!callback) return super.connect();
      super.connect(callback);
      return undefined;
    };
    if (this.idleCount <= this.waitingCount) return checkout();
    // pg-pool reads the setting once, synchronously, as it queues the checkout.
    const deadline = this.options.connectionTimeoutMillis;
    this.options.connectionTimeoutMillis = 0;
    try {
      return checkout();
    } finally {
      this.options.connectionTimeoutMillis = deadline;
    }
  }
}
