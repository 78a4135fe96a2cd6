/**
 * A Bloom filter over token hashes: "certainly never issued" or "maybe issued".
 *
 * Written here rather than taken from a library because the keys are already SHA-256 digests:
 * their first 16 hex characters are two independent, uniform 32-bit numbers, so the k bit
 * positions come from double hashing (h1 + i·h2) with no hashing of our own, and the whole filter
 * is one typed array (no per-key objects, nothing for the GC to walk).
 */
export class MembershipFilter {
  private readonly words: Uint32Array;
  readonly bitCount: number;
  readonly hashCount: number;
  /** The number of keys the filter was sized for at its target false-positive rate. */
  readonly capacity: number;
  count = 0;

  /**
   * The default designs for 0.5 %, half the 1 % the filter promises at capacity, so that the
   * random spread around the design rate never crosses the promise.
   */
  constructor(capacity: number, falsePositiveRate = 0.005) {
    this.capacity = Math.max(1, Math.ceil(capacity));
    const bits = Math.ceil((-this.capacity * Math.log(falsePositiveRate)) / Math.LN2 ** 2);
    this.bitCount = Math.ceil(bits / 32) * 32;
    this.hashCount = Math.max(1, Math.round((this.bitCount / this.capacity) * Math.LN2));
    this.words = new Uint32Array(this.bitCount / 32);
  }

  /** `key`: at least 16 lower-case hex characters of a SHA-256 digest. */
  add(key: string): void {
    const h1 = Number.parseInt(key.slice(0, 8), 16);
    const h2 = (Number.parseInt(key.slice(8, 16), 16) | 1) >>> 0;
    for (let i = 0; i < this.hashCount; i++) {
      const bit = (h1 + i * h2) % this.bitCount;
      this.words[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count += 1;
  }

  mightContain(key: string): boolean {
    const h1 = Number.parseInt(key.slice(0, 8), 16);
    const h2 = (Number.parseInt(key.slice(8, 16), 16) | 1) >>> 0;
    for (let i = 0; i < this.hashCount; i++) {
      const bit = (h1 + i * h2) % this.bitCount;
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Bytes held by the bit array. */
  get byteLength(): number {
    return this.words.byteLength;
  }
}

/** The part of a token hash the filter keys on. */
export function filterKeyOf(tokenHash: string): string {
  return tokenHash.slice(0, 16);
}
