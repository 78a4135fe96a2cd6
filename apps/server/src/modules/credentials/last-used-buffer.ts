import { sql } from 'kysely';
import type { Db } from '../../platform/database/database.ts';
import { FlushingBuffer, type FlushingBufferOptions } from './flushing-buffer.ts';

interface Usage {
  at: Date;
  ip: string | null;
  uses: number;
  slideSessionTo: Date | null;
}

/**
 * Collects successful uses in memory and writes them in one batched statement per flush, so
 * that verification never writes per request (docs/api.md §5: last_used_at lags at most 60 s).
 * A flush writes only usage columns and a session's sliding expiry; it never touches
 * revoked_at, so it cannot resurrect a revoked credential.
 */
export class LastUsedBuffer extends FlushingBuffer<Usage> {
  /** Flushes whose every chunk was written. */
  flushCount = 0;
  /** For metrics: the last flush and failures so far. */
  readonly stats = { lastSize: 0, lastDurationMs: 0, failures: 0, written: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: FlushingBufferOptions & {
      onError?: (error: unknown) => void;
    },
  ) {
    super(options);
  }

  /** While running, a failed batch is kept (bounded) and retried with the next flush. */
  private get retainOnFailure(): boolean {
    return this.running && this.pending.size < 100_000;
  }

  record(credentialId: string, at: Date, ip: string | null, slideSessionTo: Date | null = null) {
    const existing = this.pending.get(credentialId);
    if (existing) {
      existing.at = at;
      existing.ip = ip;
      existing.uses += 1;
      existing.slideSessionTo = slideSessionTo;
    } else {
      this.pending.set(credentialId, { at, ip, uses: 1, slideSessionTo });
    }
  }

  /** A session's sliding expiry is written at the next flush: it must not lapse while in use. */
  protected override canSettle(usage: Usage): boolean {
    return usage.slideSessionTo === null;
  }

  protected override flushed(size: number, durationMs: number, allWritten: boolean) {
    if (allWritten) this.flushCount += 1;
    this.stats.lastSize = size;
    this.stats.lastDurationMs = durationMs;
  }

  protected async write(batch: Map<string, Usage>): Promise<boolean> {
    // One array per column, unnested by the statement: five bind parameters however many rows (a
    // VALUES list costs five per row and passes PostgreSQL's 65,535 at ~13,000 credentials).
    const ids: string[] = [];
    const ats: string[] = [];
    const ips: Array<string | null> = [];
    const uses: number[] = [];
    const slides: Array<string | null> = [];
    for (const [id, usage] of batch) {
      ids.push(id);
      ats.push(usage.at.toISOString());
      ips.push(usage.ip);
      uses.push(usage.uses);
      slides.push(usage.slideSessionTo ? usage.slideSessionTo.toISOString() : null);
    }
    const values = sql`unnest(${ids}::text[], ${ats}::timestamptz[], ${ips}::text[], ${uses}::int[], ${slides}::timestamptz[])`;
    try {
      await this.db.transaction().execute(async (tx) => {
        await sql`
          update credentials as c set
            last_used_at = greatest(coalesce(c.last_used_at, v.at), v.at),
            last_used_ip = v.ip,
            expires_at = case when v.slide_to is not null and c.kind = 'session'
                              then greatest(c.expires_at, v.slide_to) else c.expires_at end
          from ${values} as v(id, at, ip, uses, slide_to)
          where c.id = v.id`.execute(tx);
        await sql`
          insert into credential_usage_daily (credential_id, day, uses)
          select v.id, (v.at at time zone 'UTC')::date, v.uses
          from ${values} as v(id, at, ip, uses, slide_to)
          join credentials c on c.id = v.id
          on conflict (credential_id, day) do update set uses = credential_usage_daily.uses + excluded.uses`.execute(
          tx,
        );
      });
      this.stats.written += batch.size;
      return true;
    } catch (error) {
      this.stats.failures += 1;
      if (this.retainOnFailure) {
        // The store is away (not a bad row): keep the batch for the next flush, newest use wins.
        for (const [id, usage] of batch) {
          const newer = this.pending.get(id);
          if (newer) newer.uses += usage.uses;
          else this.pending.set(id, usage);
        }
      }
      // Usage is advisory: losing one batch is better than blocking verification.
      this.options.onError?.(error);
      return false;
    }
  }
}
