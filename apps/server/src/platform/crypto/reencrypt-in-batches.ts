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

/** One encrypted column, as `reencryptInBatches` reads and swaps it. */
export interface EncryptedColumn<Row extends { id: string }> {
  /** Rows not under `keyId`, by id after `afterId`. */
  listNotUnderKey(keyId: string, afterId: string | null, limit: number): Promise<Row[]>;
  ciphertextOf(row: Row): string;
  /** The additional authenticated data the value was encrypted with. */
  aadOf(row: Row): string;
  /** Swaps the ciphertext only if it is still `expected`; false when the row changed meanwhile. */
  replace(row: Row, expected: string, replacement: string, tx: Tx): Promise<boolean>;
  /** How many rows remain under a key other than `keyId`. */
  countNotUnderKey(keyId: string): Promise<number>;
}

/**
 * Re-encrypts every value of one column under the ring's current key, a batch per transaction.
 * It can be stopped at any point and run again: each run only touches rows not yet under the
 * current key, and a row is swapped only if its ciphertext is still the one read.
 */
export async function reencryptInBatches<Row extends { id: string }>(options: {
  db: Db;
  cipher: SecretCipher;
  column: EncryptedColumn<Row>;
  batchSize?: number;
  signal?: AbortSignal;
  onBatch?: (report: ReencryptionReport) => void;
}): Promise<ReencryptionReport> {
  const { db, cipher, column, signal } = options;
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
          plaintext = cipher.decrypt(ciphertext, column.aadOf(row));
        } catch {
          // Reported by id and key id, never with the error (it could quote the ciphertext).
          report.failed.push({ id: row.id, keyId: keyIdOf(ciphertext) });
          continue;
        }
        const swapped = await column.replace(
          row,
          ciphertext,
          cipher.encrypt(plaintext, column.aadOf(row)),
          tx,
        );
        if (swapped) report.reencrypted += 1;
        else report.skipped += 1;
      }
    });
    options.onBatch?.({ ...report });
  }
  report.remaining = await column.countNotUnderKey(cipher.currentKeyId);
  return report;
}
