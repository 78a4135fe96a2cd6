/**
 * The most recently added keys, at most `capacity` of them: adding one more forgets the least
 * recently added or seen. For "report once" sets that must stay bounded without going quiet.
 */
export class RecentSet<K> {
  private readonly keys = new Set<K>();

  constructor(private readonly capacity: number) {}

  /** Adds the key; true if it was not remembered (then the caller reports it). */
  add(key: K): boolean {
    if (this.keys.delete(key)) {
      this.keys.add(key);
      return false;
    }
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      for (const oldest of this.keys) {
        this.keys.delete(oldest);
        break;
      }
    }
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}
