import { randomBytes } from 'node:crypto';
import type { NotificationListener } from '../../platform/database/database.ts';
import { filterKeyOf, MembershipFilter } from './membership-filter.ts';

const MIN_CAPACITY = 65_536;
const PAGE_SIZE = 50_000;
const RETRY_MS = 1_000;

/**
 * Which token hashes were ever issued, as a Bloom filter, so that a well-formed token that was
 * never issued is refused without asking the store (ADR 0022).
 *
 * Invariant: once `ready`, the filter holds every credential's hash (and every secret rotated out
 * within the replay window) committed before the last `sync()` of the listener. It is built from the store at start (after LISTEN is in place, so an
 * issuance is either in the snapshot or notified), grows on every issuance (the issuing instance
 * adds before COMMIT; the others when the issuance notification arrives), and is rebuilt when the
 * listener reconnects (notifications were lost) or when it outgrows its size.
 */
export function createIssuedTokenIndex(deps: {
  loadKeysAfter(
    afterId: string,
    limit: number,
  ): Promise<Array<{ id: string; key: string; previous_key?: string | null }>>;
  /** Keys of secrets that no credential row holds any more but that must reach the store (rotated out). */
  loadRetiredKeys?(): Promise<string[]>;
  listener(): NotificationListener | undefined;
  onError?: (error: unknown) => void;
}) {
  let filter: MembershipFilter | undefined;
  /** False while the filter may lack issuances (building after a reconnect): misses go to the store. */
  let complete = false;
  /** Keys added while a build runs, replayed into the new filter. */
  let pending: string[] | undefined;
  let generation = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let builds = 0;

  function ready(): boolean {
    return readyFilter() !== undefined;
  }

  /** The filter, when it may answer "never issued": complete and kept current by a connected listener. */
  function readyFilter(): MembershipFilter | undefined {
    return complete && deps.listener()?.connected ? filter : undefined;
  }

  async function loadAll(): Promise<string[]> {
    const keys: string[] = [];
    let after = '';
    for (;;) {
      const page = await deps.loadKeysAfter(after, PAGE_SIZE);
      for (const row of page) {
        keys.push(row.key);
        if (row.previous_key) keys.push(row.previous_key);
      }
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE_SIZE) {
        if (deps.loadRetiredKeys) keys.push(...(await deps.loadRetiredKeys()));
        return keys;
      }
      after = last.id;
    }
  }

  /**
   * `reset`: the current filter may lack keys (a lost notification) and is not trusted until the
   * new one is in place; `grow`: it is complete but too full, and keeps answering meanwhile.
   */
  async function rebuild(mode: 'reset' | 'grow'): Promise<void> {
    const mine = ++generation;
    if (mode === 'reset') complete = false;
    pending = [];
    let keys: string[];
    try {
      keys = await loadAll();
    } catch (error) {
      if (mine === generation && !stopped) {
        deps.onError?.(error);
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => void rebuild(mode), RETRY_MS);
        retryTimer.unref();
      }
      return;
    }
    if (mine !== generation || stopped) return;
    const added = pending ?? [];
    const next = new MembershipFilter(Math.max(MIN_CAPACITY, 2 * (keys.length + added.length)));
    for (const key of keys) next.add(key);
    for (const key of added) next.add(key);
    pending = undefined;
    filter = next;
    complete = true;
    builds += 1;
  }

  return {
    /** Builds the filter; call after LISTEN is in place. */
    start: () => rebuild('reset'),

    /** After the listener reconnects: issuances notified while it was away were lost. */
    reset: () => void rebuild('reset'),

    /** Drops stale keys (after a purge deleted rows) without distrusting the filter meanwhile. */
    refresh: () => void rebuild('grow'),

    stop() {
      stopped = true;
      clearTimeout(retryTimer);
    },

    /** Records an issued token hash (a whole hash or an already-cut filter key). */
    add(hashOrKey: string) {
      const key = filterKeyOf(hashOrKey);
      pending?.push(key);
      if (!filter) return;
      filter.add(key);
      if (filter.count > filter.capacity && pending === undefined) void rebuild('grow');
    },

    /**
     * False only when the token was certainly never issued. A miss is confirmed after the
     * listener has delivered every notification committed before this call, so a token issued
     * on another instance a moment ago is never refused; if that cannot be confirmed, or the
     * filter is not complete, the answer is "maybe" and the store decides.
     */
    async mightBeIssued(tokenHash: string): Promise<boolean> {
      const listener = deps.listener();
      const current = readyFilter();
      if (!current || !listener) return true;
      const key = filterKeyOf(tokenHash);
      if (current.mightContain(key)) return true;
      try {
        await listener.sync();
      } catch (error) {
        // Unconfirmed: the store decides; the failing feed is reported (logged once per window).
        deps.onError?.(error);
        return true;
      }
      return readyFilter()?.mightContain(key) ?? true;
    },

    /** For the benchmark and operators. */
    stats() {
      return {
        ready: ready(),
        keys: filter?.count ?? 0,
        capacity: filter?.capacity ?? 0,
        bytes: filter?.byteLength ?? 0,
        builds,
        /** The expected false-positive rate at the current key count: (1 − e^(−k·n/m))^k. */
        expectedFalsePositiveRate: filter
          ? (1 - Math.exp((-filter.hashCount * filter.count) / filter.bitCount)) ** filter.hashCount
          : 0,
      };
    },

    /** The share of `samples` random never-issued keys the filter calls "maybe issued" (benchmark). */
    measureFalsePositiveRate(samples = 100_000): number {
      if (!filter) return 0;
      let hits = 0;
      for (let i = 0; i < samples; i++) {
        if (filter.mightContain(randomBytes(8).toString('hex'))) hits += 1;
      }
      return hits / samples;
    },
  };
}

export type IssuedTokenIndex = ReturnType<typeof createIssuedTokenIndex>;
