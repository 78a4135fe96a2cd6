import type { Db } from '../database/database.ts';
import { inTransaction, type Tx } from '../database/transaction.ts';
import { keyIdOf, type SecretCipher } from './secret-cipher.ts';

export interface ReencryptionReport {
  /** Rows looked at (every row not under the current key when the run reached it). */
  scanned: number;
  reencrypted: number;
  /** Rows that changed under us (replaced or rotated meanwhile): already under the current key. */
  skipped: number;
  /** Rows that could not be decrypted with any key of the ring; they keep their old ciphertext. */
  failed: Array<{ id: string; keyId: string | null }>;
  /** Rows still not under the current key when the run ended (0 after a complete run without failures). */
  remaining: number;
  stopped: boolean;
}

/**
 * One encrypted column, as `reencryptInBatches` reads and swaps it: what `encryptedColumnQueries`
 * builds, which a repository hands out for its column.
 */
export interface EncryptedColumn<Row extends { id: string }> {
  /** Rows not under `keyId`, by id after `afterId`. */
  listNotUnderKey(keyId: string, afterId: string | null, limit: number): Promise<Row[]>;
  ciphertextOf(row: Row): string;
  /** Swaps the ciphertext only if it is still `expected`; false when the row changed meanwhile. */
  replace(id: string, expected: string, replacement: string, tx: Tx): Promise<boolean>;
  /** How many rows remain under a key other than `keyId`. */
  countNotUnderKey(keyId: string): Promise<number>;
}

/** How a rotation runs, whatever column it rotates. */
export interface ReencryptionOptions {
  db: Db;
  cipher: SecretCipher;
  batchSize?: number;
  /** Aborting stops the run after the current batch. */
  signal?: AbortSignal;
  onBatch?: (report: ReencryptionReport) => void;
}

/**
 * Re-encrypts every value of one column under the ring's current key, a batch per transaction.
 * It can be stopped at any point and run again: each run only touches rows not yet under the
 * current key, and a row is swapped only if its ciphertext is still the one read. `aadOf` is the
 * additional authenticated data each value was encrypted with (it stays the same).
 */
export async function reencryptInBatches<Row extends { id: string }>(
  options: ReencryptionOptions & { column: EncryptedColumn<Row>; aadOf: (row: Row) => string },
): Promise<ReencryptionReport> {
  const { db, cipher, column, aadOf, signal } = options;
  const batchSize = options.batchSize ?? 100;
  const report: ReencryptionReport = {
    scanned: 0,
    reencrypted: 0,
    skipped: 0,
    failed: [],
    remaining: 0,
    stopped: false,
  };
  let afterId: string | null = null;
  for (;;) {
    if (signal?.aborted) {
      report.stopped = true;
      break;
    }
    const batch = await column.listNotUnderKey(cipher.currentKeyId, afterId, batchSize);
    const last = batch.at(-1);
    if (!last) break;
    afterId = last.id;
    await inTransaction(db, async (tx) => {
      for (const row of batch) {
        report.scanned += 1;
        const ciphertext = column.ciphertextOf(row);
        let plaintext: string;
        try {
          plaintext = cipher.decrypt(ciphertext, aadOf(row));
        } catch {
          // Reported by id and key id, never with the error (it could quote the ciphertext).
          report.failed.push({ id: row.id, keyId: keyIdOf(ciphertext) });
          continue;
        }
        const swapped = await column.replace(row.id, ciphertext, cipher.encrypt(plaintext, aadOf(row)), tx);
        if (swapped) report.reencrypted += 1;
        else report.skipped += 1;
      }
    });
    options.onBatch?.({ ...report });
  }
  report.remaining = await column.countNotUnderKey(cipher.currentKeyId);
  return report;
}
