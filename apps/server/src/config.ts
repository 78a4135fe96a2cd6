import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type OutboundAllowList, parseAllowList } from './platform/net/outbound-guard.ts';
import { SERVER_ROOT } from './platform/paths.ts';

/** Everything the server reads from its environment, parsed once at start. */
export interface Config {
  port: number;
  host: string;
  publicUrl: URL;
  /** PostgreSQL connection string; undefined selects the embedded PGlite store. */
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** Encryption keyring for provider tokens: the first key encrypts, all decrypt. */
  encryptionKeys: EncryptionKey[];
  logLevel: string;
  /**
   * LOG_REFUSALS: `summary` (default) logs the first refused request of a kind per address and
   * 10 s in full and counts the rest into one line; `each` logs every one (ADR 0043).
   */
  logRefusals: 'summary' | 'each';
  /** Folder of the built web UI; served at `/` when it exists. */
  webDistDir: string;
  uploadDir: string;
  uploadMaxBytes: number;
  /** All of one user's agent files together (AGENT_STORAGE_QUOTA_BYTES). */
  uploadQuotaBytes: number;
  passwordHashing: {
    /** argon2 hashes running at once (they run on libuv's pool, 4 threads by default). */
    concurrency: number;
    /** Sign-ins that may wait for a slot; more are refused with 503. */
    queueLimit: number;
  };
  tokens: {
    maxLifetimeDays: number;
    requireExpiry: boolean;
    cacheSize: number;
    cacheTtlMs: number;
    negativeCacheTtlMs: number;
    lastUsedFlushMs: number;
    /**
     * TOKEN_LAST_USED_SETTLE_MS: a credential written less than this long ago waits for the window
     * to pass before its next write (ADR 0041). With the flush interval it bounds the lag of
     * last_used_at, at most 60 s (docs/api.md §5): by default six intervals (30 s at the default
     * 5 s), at most 30 s and less where the interval leaves less; a value above that is refused.
     */
    lastUsedSettleMs: number;
    /**
     * REVOCATION_ACK_TIMEOUT_MS: how long a revocation waits for every other instance to
     * acknowledge evicting it before answering anyway (0: do not wait; ADR 0039).
     */
    revocationAckTimeoutMs: number;
  };
  rateLimits: {
    signInPerMinute: number;
    tokenEndpointPerMinute: number;
    signInFailuresPerAccount: number;
    /** Wrong device user codes one IP may enter per 15 minutes before it gets 429 (RFC 8628 §5.1). */
    userCodeFailuresPerIp: number;
    /** Agent file uploads one user may start per minute. */
    uploadsPerMinute: number;
    /** `POST /api/credentials/revoke` (public revoke by value), per address. */
    credentialRevokePerMinute: number;
    /** `POST /api/oauth/introspect`: requests per address and per authenticated client, per minute. */
    introspectionPerMinute: number;
    /** Failed introspection client authentications one address may make per 15 minutes. */
    introspectionFailuresPerIp: number;
  };
  providers: {
    githubApiUrl: string;
    gitlabUrl: string;
    bitbucketApiUrl: string;
    timeoutMs: number;
    /**
     * PROVIDER_ALLOWED_PRIVATE_HOSTS: host names and CIDR ranges that provider calls may reach
     * although they are private or loopback (an internal GitLab). ADR 0016.
     */
    allowedPrivateHosts: Pick<OutboundAllowList, 'hosts' | 'ranges'>;
  };
  secretScanning: {
    /** GitHub's secret-scanning public keys (the partner program's key endpoint). */
    githubKeysUrl: string;
    /** Sent with the key fetch when set (GITHUB_SECRET_SCANNING_KEYS_TOKEN). */
    keysToken: string | undefined;
    /** The key list is fetched again at most this often, however many unknown key ids arrive. */
    keysMinRefreshMs: number;
    perMinute: number;
  };
  notices: {
    /** NOTIFY_CHANNELS: the channels the operator allows (default all three). */
    channels: { inApp: boolean; email: boolean; webhook: boolean };
    /** NOTIFY_EXPIRY_DAYS: days before expiry at which expiring-notices go out, largest first. */
    expiryDays: number[];
    /** SMTP_URL (smtp:// or smtps://); undefined: no e-mail. Holds credentials: never logged. */
    smtpUrl: string | undefined;
    /** MAIL_FROM: the From address of notice e-mails. */
    mailFrom: string;
    /** NOTIFY_WORKER: whether this instance runs the delivery worker and the expiry scan. */
    worker: boolean;
    pollMs: number;
    leaseMs: number;
    retryBaseMs: number;
    retryWindowMs: number;
    /** How often each instance runs the expiry scan (it is idempotent across instances). */
    scanIntervalMs: number;
    retentionDays: number;
    webhookTimeoutMs: number;
    /** WEBHOOK_ALLOWED_PRIVATE_HOSTS: private hosts/ranges webhook endpoints may reach (ADR 0016). */
    webhookAllowedPrivateHosts: Pick<OutboundAllowList, 'hosts' | 'ranges'>;
  };
  trustProxy: boolean;
  /**
   * Resource servers allowed to call `POST /api/oauth/introspect` (ADR 0032): client id and the
   * SHA-256 of its secret, from INTROSPECTION_CLIENTS (`id:sha256hex,…`).
   */
  introspectionClients: IntrospectionClient[];
  /** Bearer secret for `GET /metrics`; undefined turns the endpoint off. */
  metricsToken: string | undefined;
  /** After SIGTERM, how long requests in progress may run before their connections are cut. */
  shutdownGraceMs: number;
}

export interface IntrospectionClient {
  id: string;
  /** SHA-256 of the client secret (32 bytes); the secret itself is never configured. */
  secretHash: Buffer;
}

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** How far `last_used_at` may lag real use (docs/api.md §5): the flush interval plus the settle window. */
const MAX_LAST_USED_LAG_MS = 60_000;
/** The default settle window, in flush intervals: a credential in constant use is written every sixth. */
const SETTLE_INTERVALS = 6;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, fallback: string): URL => {
    const raw = env[name] || fallback;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
      return parsed;
    } catch {
      problems.push(`${name} must be an http(s) URL (got "${raw}")`);
      return new URL(fallback);
    }
  };

  const allowList = (name: string): Pick<OutboundAllowList, 'hosts' | 'ranges'> => {
    try {
      return parseAllowList(env[name]);
    } catch (error) {
      problems.push(
        `${name} must be a comma-separated list of host names, IP addresses and CIDR ranges: ${(error as Error).message}`,
      );
      return parseAllowList('');
    }
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const publicUrl = url('PUBLIC_URL', `http://localhost:${port}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const dataDir = path.resolve(env.TESSERA_DATA_DIR || './data');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logRefusals = env.LOG_REFUSALS || 'summary';
  if (logRefusals !== 'summary' && logRefusals !== 'each')
    problems.push('LOG_REFUSALS must be summary or each');

  const encryptionKeys = parseKeyring(env, problems);
  if (encryptionKeys.length === 0 && databaseUrl) {
    problems.push(
      'TESSERA_ENCRYPTION_KEYS or TESSERA_ENCRYPTION_KEY is required with DATABASE_URL ' +
        "(generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\")",
    );
  }

  const lastUsedFlushMs = int('TOKEN_LAST_USED_FLUSH_MS', 5_000, 10, MAX_LAST_USED_LAG_MS);
  const config: Config = {
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir,
    redisUrl: env.REDIS_URL || undefined,
    encryptionKeys,
    logLevel,
    logRefusals: logRefusals === 'each' ? 'each' : 'summary',
    webDistDir: path.resolve(env.TESSERA_WEB_DIST || path.join(SERVER_ROOT, '../web/dist')),
    uploadDir: path.resolve(env.AGENT_UPLOAD_DIR || path.join(dataDir, 'uploads')),
    uploadMaxBytes: int('AGENT_UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1),
    uploadQuotaBytes: int('AGENT_STORAGE_QUOTA_BYTES', 1024 * 1024 * 1024, 0),
    passwordHashing: {
      concurrency: int('PASSWORD_HASH_CONCURRENCY', 4, 1, 256),
      queueLimit: int('PASSWORD_HASH_QUEUE_LIMIT', 100, 0, 100_000),
    },
    tokens: {
      maxLifetimeDays: int('TOKEN_MAX_LIFETIME_DAYS', 366, 1, 36_500),
      requireExpiry: bool('TOKEN_REQUIRE_EXPIRY', false),
      cacheSize: int('TOKEN_CACHE_SIZE', 10_000, 0),
      cacheTtlMs: int('TOKEN_CACHE_TTL_MS', 60_000, 0),
      negativeCacheTtlMs: int('TOKEN_NEGATIVE_CACHE_TTL_MS', 5_000, 0),
      lastUsedFlushMs,
      lastUsedSettleMs: int(
        'TOKEN_LAST_USED_SETTLE_MS',
        Math.min(SETTLE_INTERVALS * lastUsedFlushMs, 30_000, MAX_LAST_USED_LAG_MS - lastUsedFlushMs),
        0,
        MAX_LAST_USED_LAG_MS - lastUsedFlushMs,
      ),
      revocationAckTimeoutMs: int('REVOCATION_ACK_TIMEOUT_MS', 1_000, 0, 10_000),
    },
    rateLimits: {
      signInPerMinute: int('RATE_LIMIT_SIGN_IN_PER_MINUTE', 20, 1),
      tokenEndpointPerMinute: int('RATE_LIMIT_TOKEN_ENDPOINT_PER_MINUTE', 60, 1),
      signInFailuresPerAccount: int('RATE_LIMIT_FAILURES_PER_ACCOUNT', 10, 1),
      userCodeFailuresPerIp: int('RATE_LIMIT_USER_CODE_FAILURES_PER_IP', 10, 1),
      uploadsPerMinute: int('RATE_LIMIT_UPLOADS_PER_MINUTE', 30, 1),
      credentialRevokePerMinute: int('RATE_LIMIT_CREDENTIAL_REVOKE_PER_MINUTE', 10, 1),
      introspectionPerMinute: int('RATE_LIMIT_INTROSPECTION_PER_MINUTE', 600, 1),
      introspectionFailuresPerIp: int('RATE_LIMIT_INTROSPECTION_FAILURES_PER_IP', 10, 1),
    },
    providers: {
      githubApiUrl: url('GITHUB_API_URL', 'https://api.github.com').toString().replace(/\/$/, ''),
      gitlabUrl: url('GITLAB_URL', 'https://gitlab.com').toString().replace(/\/$/, ''),
      bitbucketApiUrl: url('BITBUCKET_API_URL', 'https://api.bitbucket.org').toString().replace(/\/$/, ''),
      timeoutMs: int('PROVIDER_TIMEOUT_MS', 10_000, 1),
      allowedPrivateHosts: allowList('PROVIDER_ALLOWED_PRIVATE_HOSTS'),
    },
    secretScanning: {
      githubKeysUrl: url(
        'GITHUB_SECRET_SCANNING_KEYS_URL',
        `${(env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, '')}/meta/public_keys/secret_scanning`,
      ).toString(),
      keysToken: env.GITHUB_SECRET_SCANNING_KEYS_TOKEN || undefined,
      keysMinRefreshMs: int('GITHUB_SECRET_SCANNING_KEYS_MIN_REFRESH_SECONDS', 300, 0, 86_400) * 1000,
      perMinute: int('RATE_LIMIT_SECRET_SCANNING_PER_MINUTE', 60, 1),
    },
    notices: parseNotices(env, problems, int, bool, allowList),
    trustProxy: bool('TRUST_PROXY', false),
    introspectionClients: parseIntrospectionClients(env.INTROSPECTION_CLIENTS, problems),
    metricsToken: env.METRICS_TOKEN || undefined,
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 15_000, 0, 600_000),
  };
  if (config.metricsToken !== undefined && config.metricsToken.length < 16) {
    problems.push('METRICS_TOKEN must be at least 16 characters (it guards /metrics)');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseNotices(
  env: Env,
  problems: string[],
  int: (name: string, fallback: number, min?: number, max?: number) => number,
  bool: (name: string, fallback: boolean) => boolean,
  allowList: (name: string) => Pick<OutboundAllowList, 'hosts' | 'ranges'>,
): Config['notices'] {
  const channelNames = (env.NOTIFY_CHANNELS ?? 'in_app,email,webhook')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const name of channelNames) {
    if (!['in_app', 'email', 'webhook'].includes(name)) {
      problems.push(
        `NOTIFY_CHANNELS must be a comma-separated list of in_app, email, webhook (got "${name}")`,
      );
    }
  }
  const expiryRaw = env.NOTIFY_EXPIRY_DAYS || '30,7,1';
  const expiryDays = expiryRaw.split(',').map((part) => Number(part.trim()));
  if (expiryDays.some((days) => !Number.isInteger(days) || days < 1 || days > 366)) {
    problems.push(`NOTIFY_EXPIRY_DAYS must be whole numbers of days between 1 and 366 (got "${expiryRaw}")`);
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  const mailFrom = env.MAIL_FROM || 'Tessera <no-reply@localhost>';
  return {
    channels: {
      inApp: channelNames.includes('in_app'),
      email: channelNames.includes('email'),
      webhook: channelNames.includes('webhook'),
    },
    expiryDays: [...new Set(expiryDays)].sort((a, b) => b - a),
    smtpUrl,
    mailFrom,
    worker: bool('NOTIFY_WORKER', true),
    pollMs: int('NOTIFY_POLL_MS', 2_000, 10, 600_000),
    leaseMs: int('NOTIFY_LEASE_MS', 60_000, 100, 3_600_000),
    retryBaseMs: int('NOTIFY_RETRY_BASE_MS', 30_000, 1, 3_600_000),
    retryWindowMs: int('NOTIFY_RETRY_WINDOW_HOURS', 24, 1, 720) * 60 * 60 * 1000,
    scanIntervalMs: int('NOTIFY_SCAN_INTERVAL_MS', 60 * 60 * 1000, 1000, 7 * 24 * 60 * 60 * 1000),
    retentionDays: int('NOTICE_RETENTION_DAYS', 90, 1, 3650),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    webhookAllowedPrivateHosts: allowList('WEBHOOK_ALLOWED_PRIVATE_HOSTS'),
  };
}

function parseIntrospectionClients(value: string | undefined, problems: string[]): IntrospectionClient[] {
  const clients: IntrospectionClient[] = [];
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, hash, extra] = part.split(':');
    if (
      !id ||
      !hash ||
      extra !== undefined ||
      !/^[A-Za-z0-9._-]{1,64}$/.test(id) ||
      !/^[0-9a-f]{64}$/.test(hash)
    ) {
      problems.push(
        'INTROSPECTION_CLIENTS must look like "client_id:<sha256 hex of the secret>,…" (npm run introspection:client -- <client_id> prints an entry)',
      );
      return [];
    }
    if (clients.some((c) => c.id === id)) problems.push(`INTROSPECTION_CLIENTS names "${id}" twice`);
    clients.push({ id, secretHash: Buffer.from(hash, 'hex') });
  }
  return clients;
}

function parseKeyring(env: Env, problems: string[]): EncryptionKey[] {
  const ring = env.TESSERA_ENCRYPTION_KEYS;
  const single = env.TESSERA_ENCRYPTION_KEY;
  const entries: Array<[string, string]> = [];
  if (ring) {
    for (const part of ring.split(',')) {
      const [id, key] = part.trim().split(':');
      if (!id || !key) {
        problems.push('TESSERA_ENCRYPTION_KEYS must look like "kid1:base64key,kid0:base64key"');
        return [];
      }
      entries.push([id, key]);
    }
  } else if (single) {
    entries.push(['k1', single]);
  }
  const keys: EncryptionKey[] = [];
  for (const [id, encoded] of entries) {
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      problems.push(`encryption key id "${id}" must be 1-32 of [A-Za-z0-9_-]`);
    if (key.length !== 32)
      problems.push(`encryption key "${id}" must be 32 bytes of base64 (got ${key.length})`);
    keys.push({ id, key });
  }
  return keys;
}

/**
 * The embedded mode keeps its own encryption key in the data folder, so that `npm start` needs
 * no set-up. PostgreSQL mode refuses to start without a configured key (see loadConfig).
 */
export function ensureEmbeddedEncryptionKey(config: Config): Config {
  if (config.encryptionKeys.length > 0) return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'encryption.key');
  if (!existsSync(file)) {
    writeFileSync(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  const problems: string[] = [];
  const keys = parseKeyring({ TESSERA_ENCRYPTION_KEYS: readFileSync(file, 'utf8').trim() }, problems);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${file}: ${p}`));
  return { ...config, encryptionKeys: keys };
}
