/** What the hot path needs to know about a credential, cached by token hash. */
export interface CachedCredential {
  id: string;
  userId: string;
  kind: 'session' | 'access' | 'refresh' | 'personal' | 'automation';
  scopes: string[];
  expiresAt: Date | null;
  revoked: boolean;
  familyId: string | null;
  taskGroupId: string | null;
  clientId: string | null;
}

interface Entry<V> {
  value: V;
  storedAt: number;
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
  private idToHash = new Map<string, string>();
  epoch = 0;

  constructor(
    private readonly options: { maxSize: number; ttlMs: number; negativeTtlMs: number; now?: () => number },
  ) {}

  private now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  get(hash: string): CachedCredential | undefined {
    const entry = this.positive.get(hash);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt > this.options.ttlMs) {
      this.positive.delete(hash);
      this.idToHash.delete(entry.value.id);
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
    this.idToHash.set(value.id, hash);
    while (this.positive.size > this.options.maxSize) {
      const oldest = this.positive.keys().next().value as string;
      const evicted = this.positive.get(oldest);
      this.positive.delete(oldest);
      if (evicted) this.idToHash.delete(evicted.value.id);
    }
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
      const hash = this.idToHash.get(id);
      if (hash) {
        this.positive.delete(hash);
        this.idToHash.delete(id);
      }
    }
  }

  evictUser(userId: string) {
    this.epoch += 1;
    for (const [hash, entry] of this.positive) {
      if (entry.value.userId === userId) {
        this.positive.delete(hash);
        this.idToHash.delete(entry.value.id);
      }
    }
  }

  clear() {
    this.epoch += 1;
    this.positive.clear();
    this.negative.clear();
    this.idToHash = new Map();
  }

  get size() {
    return this.positive.size;
  }
}
