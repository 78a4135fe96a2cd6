import type { NetworkPolicy } from './network-policy.ts';

/**
 * What the hot path needs to know about a credential, cached by token hash. Never changed in
 * place (a request may hold it while another reads the cache): a change is a new record (`replace`).
 */
export interface CachedCredential {
  readonly id: string;
  readonly userId: string;
  readonly kind: 'session' | 'access' | 'refresh' | 'personal' | 'automation';
  readonly scopes: string[];
  readonly expiresAt: Date | null;
  readonly revoked: boolean;
  readonly familyId: string | null;
  readonly taskGroupId: string | null;
  readonly clientId: string | null;
  /**
   * Set when this entry was found by the secret a rotation replaced: it verifies until then and is
   * a rotated-out replay after (ADR 0029).
   */
  readonly replacedSecretValidUntil?: Date;
  /** Set on the current secret while the replaced one is in its overlap: its first use ends it. */
  readonly overlapEndsAt?: Date;
  /** What presenting a rotated-out secret of this credential does besides being recorded. */
  readonly onRotatedOutUse?: 'notify' | 'revoke';
  /** PATs limited to some repositories: their ids (repos:* and tasks:* routes); null = all (ADR 0031). */
  readonly repoIds: string[] | null;
  /** PATs with an allow-list: the parsed networks; null = any network (ADR 0031). */
  readonly network: NetworkPolicy | null;
}

interface Entry<V> {
  readonly value: V;
  readonly storedAt: number;
}

/**
 * A bounded LRU of verified credentials by token hash, plus a short negative cache of unknown
 * hashes so that a flood of well-formed garbage cannot reach the database.
 *
 * `epoch` moves on every eviction. A loader notes the epoch before it reads the database and
 * stores its result only if no eviction happened meanwhile; otherwise a revoke that commits
 * while a read is in flight could be overwritten by the stale row it read.
 */
export class VerificationCache {
  private readonly positive = new Map<string, Entry<CachedCredential>>();
  private readonly negative = new Map<string, number>();
  /** A credential may be cached under two hashes: its current secret and, during an overlap, the replaced one. */
  private idToHashes = new Map<string, string[]>();
  epoch = 0;

  constructor(
    private readonly options: {
      maxSize: number;
      ttlMs: number;
      negativeTtlMs: number;
      /** The service's clock, in ms: the same "now" as every expiry check. */
      now: () => number;
    },
  ) {}

  private now() {
    return this.options.now();
  }

  get(hash: string): CachedCredential | undefined {
    const entry = this.positive.get(hash);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt > this.options.ttlMs) {
      this.positive.delete(hash);
      this.forgetHash(entry.value.id, hash);
      return undefined;
    }
    // Refresh LRU position.
    this.positive.delete(hash);
    this.positive.set(hash, entry);
    return entry.value;
  }

  isKnownUnknown(hash: string): boolean {
    const storedAt = this.negative.get(hash);
    if (storedAt === undefined) return false;
    if (this.now() - storedAt > this.options.negativeTtlMs) {
      this.negative.delete(hash);
      return false;
    }
    return true;
  }

  set(hash: string, value: CachedCredential, loadedAtEpoch: number) {
    if (loadedAtEpoch !== this.epoch || this.options.maxSize === 0) return;
    this.positive.set(hash, { value, storedAt: this.now() });
    const hashes = this.idToHashes.get(value.id);
    if (!hashes) this.idToHashes.set(value.id, [hash]);
    else if (!hashes.includes(hash)) hashes.push(hash);
    while (this.positive.size > this.options.maxSize) {
      const oldest = this.positive.keys().next().value as string;
      const evicted = this.positive.get(oldest);
      this.positive.delete(oldest);
      if (evicted) this.forgetHash(evicted.value.id, oldest);
    }
  }

  /**
   * Puts `next` (the same credential, changed) where `previous` is cached under this hash, keeping
   * its age and LRU position; nothing if the entry is gone or was replaced meanwhile.
   */
  replace(hash: string, previous: CachedCredential, next: CachedCredential) {
    const entry = this.positive.get(hash);
    if (entry?.value === previous) this.positive.set(hash, { value: next, storedAt: entry.storedAt });
  }

  private forgetHash(id: string, hash: string) {
    const hashes = this.idToHashes.get(id);
    if (!hashes) return;
    const rest = hashes.filter((h) => h !== hash);
    if (rest.length === 0) this.idToHashes.delete(id);
    else this.idToHashes.set(id, rest);
  }

  setUnknown(hash: string, loadedAtEpoch: number) {
    if (loadedAtEpoch !== this.epoch || this.options.negativeTtlMs === 0) return;
    this.negative.set(hash, this.now());
    while (this.negative.size > this.options.maxSize) {
      this.negative.delete(this.negative.keys().next().value as string);
    }
  }

  evictIds(ids: Iterable<string>) {
    this.epoch += 1;
    for (const id of ids) {
      for (const hash of this.idToHashes.get(id) ?? []) this.positive.delete(hash);
      this.idToHashes.delete(id);
    }
  }

  evictUser(userId: string) {
    this.epoch += 1;
    for (const [hash, entry] of this.positive) {
      if (entry.value.userId === userId) {
        this.positive.delete(hash);
        this.idToHashes.delete(entry.value.id);
      }
    }
  }

  clear() {
    this.epoch += 1;
    this.positive.clear();
    this.negative.clear();
    this.idToHashes = new Map();
  }

  get size() {
    return this.positive.size;
  }
}
