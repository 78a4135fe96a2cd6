import { hash, verify } from '@node-rs/argon2';
import type { Metrics } from '../../platform/metrics/metrics.ts';
import { counter, gauge, registerScrapedMetrics } from '../../platform/metrics/scraped-metrics.ts';
import { WorkLimiter } from '../../platform/work-limiter.ts';

/** OWASP's minimum for argon2id (the library's default algorithm): 19 MiB, 2 passes, 1 lane. */
export const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

// One limiter per process, like the thread pool the hashes run on (PASSWORD_HASH_CONCURRENCY).
let hashing = new WorkLimiter(4, 100);

export function configurePasswordHashing(options: { concurrency: number; queueLimit: number }): void {
  hashing = new WorkLimiter(options.concurrency, options.queueLimit);
}

/** Over the limiter's queue this throws 503 `service_unavailable` rather than wait without bound. */
export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => hash(password, PASSWORD_HASH_OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return hashing.run(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}

/** True when a stored hash is weaker than today's parameters and should be replaced at login. */
export function needsRehash(passwordHash: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return (
    m! < PASSWORD_HASH_OPTIONS.memoryCost ||
    t! < PASSWORD_HASH_OPTIONS.timeCost ||
    p! < PASSWORD_HASH_OPTIONS.parallelism
  );
}

// A few of the most common passwords that still pass the length rule (ASVS 6.2.4 asks for a
// breached-password check; this small list catches the worst without a network call).
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  'password1234',
  'password12345',
  'passwordpassword',
  'qwertyuiopasdf',
  'qwerty123456',
  'iloveyou1234',
  'administrator',
  'letmein123456',
  'welcome12345',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'abc123456789',
  'changeme1234',
  'tessera12345',
]);

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/** argon2 queue depth, running hashes and sheds, for the metrics endpoint. */
export function registerPasswordMetrics(metrics: Metrics): void {
  registerScrapedMetrics(metrics, {
    tessera_password_hash_running: gauge('argon2 hashes running now', () => hashing.running),
    tessera_password_hash_queue_depth: gauge('Sign-ins waiting for an argon2 slot', () => hashing.queued),
    tessera_password_hash_shed_total: counter(
      'Sign-ins refused with 503 because the argon2 queue was full',
      () => hashing.shed,
    ),
  });
}
