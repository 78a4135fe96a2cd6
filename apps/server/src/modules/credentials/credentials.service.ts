import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Db, NotificationListener } from '../../platform/database/database.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { RecentSet } from '../../platform/recent-set.ts';
import type { CredentialKind, RotatedOutUse } from '../../schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';
import { bearerChallenge } from './bearer-challenge.ts';
import {
  type CredentialRepository,
  type CredentialRow,
  createCredentialRepository,
  type RevokedCredential,
} from './credentials.repository.ts';
import { createIssuedTokenIndex } from './issued-tokens.ts';
import { LastUsedBuffer } from './last-used-buffer.ts';
import { filterKeyOf } from './membership-filter.ts';
import { NetworkPolicy } from './network-policy.ts';
import { type NewNetworkEvent, TokenActivityBuffer } from './token-activity-buffer.ts';
import { generateToken, hashToken, parseToken, previewToken, type TokenKind } from './token-format.ts';
import { type CachedCredential, VerificationCache } from './verification-cache.ts';

/** The row types other features see: they read credentials through this service, never the repository. */
export type {
  AutomationTokenRow,
  CredentialRow,
  PersonalTokenChanges,
  RevokedCredential,
} from './credentials.repository.ts';

export const INVALIDATION_CHANNEL = 'tessera_credential_revoked';
/** Each instance's receipt for an invalidation it has applied: `<message id> <instance id>` (ADR 0039). */
export const INVALIDATION_ACK_CHANNEL = 'tessera_credential_revoked_ack';
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

const PREFIX_OF_KIND: Record<CredentialKind, TokenKind> = {
  session: 'ses',
  access: 'acc',
  refresh: 'ref',
  personal: 'pat',
  automation: 'aut',
};

const ID_PREFIX_OF_KIND: Record<CredentialKind, string> = {
  session: 'ses',
  access: 'acc',
  refresh: 'ref',
  personal: 'tok',
  automation: 'tok',
};

export interface IssueCredentialInput {
  userId: string;
  kind: CredentialKind;
  scopes?: string[];
  expiresAt: Date | null;
  name?: string | null;
  description?: string | null;
  familyId?: string | null;
  clientId?: string | null;
  taskGroupId?: string | null;
  rotatedFromId?: string | null;
  /** Sessions and token pairs: the request's User-Agent (cut to 512 characters), for the sessions list. */
  userAgent?: string | null;
  /** PATs: may rotate themselves (ADR 0030). */
  allowSelfRotation?: boolean;
  /** What presenting a rotated-out secret does besides being recorded (ADR 0029). */
  onRotatedOutUse?: RotatedOutUse;
  /** PATs: the repositories it is limited to (null: all) and the networks it may come from (null: any). */
  repoIds?: string[] | null;
  allowedCidrs?: string[] | null;
}

/** A credential that authenticates requests: any kind but a refresh token. */
export type VerifiedCredential = CachedCredential & { kind: Exclude<CachedCredential['kind'], 'refresh'> };

function authenticates(record: CachedCredential): record is VerifiedCredential {
  return record.kind !== 'refresh';
}

/** The owner's profile as read together with the credential (never cached: it is as fresh as the request). */
export interface OwnerProfile {
  id: string;
  email: string;
  name: string | null;
  created_at: Date;
}

/**
 * What a verification read from the store besides the credential, for this request only: set
 * when the cache was missed, so a route that shows the owner (`GET /api/me`) needs no second
 * statement. Never taken from the cache.
 */
export interface FreshReads {
  owner?: OwnerProfile;
}

type InvalidationMessage = { ids: string[] } | { user: string } | { all: true };
/** On the wire: `n` names the message for acknowledgements (`<instance id>.<sequence>`). */
type SentInvalidation = InvalidationMessage & { n?: string };
/** Sent on the same channel when a credential is issued: the new hash's filter key (ADR 0022). */
type IssuanceMessage = { issued: string[] };

/** The verification cache has no answer for a hash: the store must be asked. */
const NOT_CACHED = Symbol('not cached');

/**
 * The refusal of every bearer token that is not a live credential: one instance, thrown every
 * time, so that the authentication hook answers it with a response built at start (issue #13).
 */
export const INVALID_TOKEN = new AppError(
  'invalid_token',
  'The access token is malformed, unknown, expired or revoked.',
  { headers: Object.freeze({ 'www-authenticate': bearerChallenge('invalid_token') }) },
);

const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** How many tokens' expired use this process remembers having reported (least recent forgotten first). */
const EXPIRED_USE_MEMORY = 10_000;
/** How long a secret a rotation replaced is remembered, so that presenting it counts as a replay. */
export const ROTATED_OUT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PURGE_GRACE_MS = 24 * 60 * 60 * 1000;

export function createCredentialService(deps: {
  credentials: CredentialRepository;
  /** Without `listeningInstances` (or on PGlite) no acknowledgements are asked for or awaited. */
  database: Pick<Database, 'db' | 'listen'> & Partial<Pick<Database, 'kind' | 'listeningInstances'>>;
  config: Pick<Config, 'tokens'>;
  clock: Clock;
  onBackgroundError?: (error: unknown) => void;
  /** Told when the revocation feed drops and when it is back (with how long it was away). */
  onInvalidationFeed?: (
    event: { state: 'lost'; cause: unknown } | { state: 'restored'; gapMs: number },
  ) => void;
  /**
   * Told when a PAT or automation token is presented after its expiry (for the audit log): once
   * per token while this process remembers it among the last EXPIRED_USE_MEMORY reported.
   */
  onExpiredUse?: (credential: CachedCredential) => void;
  /** Records the rotation events the verifier itself causes: cut-over and rotated-out replays (ADR 0029). */
  audit?: Pick<AuditService, 'record'>;
  /** Called in the activity flush's transaction for networks new to a PAT (ADR 0031). */
  onNewNetworks?: (tx: Tx, events: NewNetworkEvent[]) => Promise<void>;
  /** Told when a PAT is refused outside its allow-list (at most once a minute per token and address). */
  onNetworkRefused?: (credential: CachedCredential, ip: string | null) => void;
  /**
   * Told when a revocation answered without every live peer's acknowledgement (the bounded wait
   * ran out, or the peers could not be listed); the caller logs it once per window.
   */
  onUnacknowledged?: (event: { missing: string[]; waitedMs: number; cause?: unknown }) => void;
}) {
  const { credentials, database, config, clock } = deps;
  const cache = new VerificationCache({
    maxSize: config.tokens.cacheSize,
    ttlMs: config.tokens.cacheTtlMs,
    negativeTtlMs: config.tokens.negativeCacheTtlMs,
    now: () => clock.now().getTime(),
  });
  const lastUsed = new LastUsedBuffer(database.db, {
    flushIntervalMs: config.tokens.lastUsedFlushMs,
    settleMs: config.tokens.lastUsedSettleMs,
    onError: deps.onBackgroundError,
  });
  const activity = new TokenActivityBuffer(database.db, {
    flushIntervalMs: config.tokens.lastUsedFlushMs,
    settleMs: config.tokens.lastUsedSettleMs,
    onError: deps.onBackgroundError,
    onNewNetworks: deps.onNewNetworks,
  });
  let listener: NotificationListener | undefined;
  const issued = createIssuedTokenIndex({
    loadKeysAfter: (afterId, limit) => credentials.listHashKeysAfter(afterId, limit),
    loadRetiredKeys: () => credentials.listRotatedOutKeysSince(rotatedOutSince()),
    listener: () => listener,
    onError: deps.onBackgroundError,
  });
  let feedLostAt: number | undefined;
  /** Plain counters on the hot path (read by the metrics endpoint at scrape time; no labels, no allocation). */
  const stats = {
    cacheHits: 0,
    cacheMisses: 0,
    negativeHits: 0,
    storeLookups: 0,
    storeErrors: 0,
    /** Verifications that bypassed the cache because the revocation feed was down. */
    untrustedCacheBypasses: 0,
    /** Unknown tokens refused by the issued-token filter without a store lookup. */
    filterRejections: 0,
    refused: { malformed: 0, unknown: 0, revoked: 0, expired: 0, wrong_kind: 0, network: 0 },
    notificationsReceived: 0,
    feedDisconnects: 0,
    feedReconnects: 0,
    /** Invalidations this instance made, by how the wait for the peers' acknowledgements ended. */
    propagation: { acknowledged: 0, no_peers: 0, timed_out: 0, not_listed: 0 },
    /** Total time spent waiting for acknowledgements, in ms (with the counts above: the mean). */
    propagationWaitMs: 0,
  };
  /** Names this process's LISTEN connection; acknowledgements carry it. */
  const instanceId = newId('ins');
  let invalidationSequence = 0;
  /**
   * Only separate processes on PostgreSQL need receipts: PGlite is held by one process and
   * delivers a notification to every listener in it before the committing call returns.
   */
  const peersAcknowledge = database.kind === 'postgres' && database.listeningInstances !== undefined;
  /** Acknowledgements for this instance's messages, by message id, as they arrive. */
  const acknowledgements = new Map<string, Set<string>>();
  /** The waits in progress, by message id: called on every acknowledgement for that message. */
  const ackWaiters = new Map<string, () => void>();
  let purgeTimer: NodeJS.Timeout | undefined;
  /** Tokens whose expired use was reported: the most recent ones, so a new one is always reported. */
  const expiredUseReported = new RecentSet<string>(EXPIRED_USE_MEMORY);
  /** Cut-overs in flight on this instance, by credential id: concurrent first uses share one. */
  const overlapEndings = new Map<string, Promise<void>>();
  /** When each credential's rotated-out replay was last recorded here: at most one event a minute. */
  const rotatedOutReported = new Map<string, number>();
  /** `credential id + address` → when a refusal was last reported: an audit row per minute, not per request. */
  const networkRefusalsReported = new Map<string, number>();

  function reportNetworkRefusal(record: CachedCredential, ip: string | null, now: Date) {
    const key = `${record.id} ${ip}`;
    const last = networkRefusalsReported.get(key);
    if (last !== undefined && now.getTime() - last < 60_000) return;
    if (networkRefusalsReported.size >= 10_000) networkRefusalsReported.clear();
    networkRefusalsReported.set(key, now.getTime());
    deps.onNetworkRefused?.(record, ip);
  }

  function reportExpiredUse(record: CachedCredential, now: Date) {
    if (record.revoked || !record.expiresAt || record.expiresAt.getTime() > now.getTime()) return;
    if (record.kind !== 'personal' && record.kind !== 'automation') return;
    if (expiredUseReported.add(record.id)) deps.onExpiredUse?.(record);
  }

  function recordAcknowledgement(payload: string) {
    const [messageId, from] = payload.split(' ');
    if (!messageId || !from || !messageId.startsWith(`${instanceId}.`)) return;
    // A late receipt for a rolled-back or timed-out message: keep the map bounded.
    if (!acknowledgements.has(messageId) && acknowledgements.size >= 1_000) acknowledgements.clear();
    const seen = acknowledgements.get(messageId) ?? new Set<string>();
    acknowledgements.set(messageId, seen.add(from));
    ackWaiters.get(messageId)?.();
  }

  /**
   * After COMMIT, until every peer whose listener is connected has acknowledged the message (it
   * evicted), or the bounded wait ends. Never throws: the change is committed whatever happens.
   */
  async function awaitPeers(messageId: string): Promise<void> {
    const timeoutMs = config.tokens.revocationAckTimeoutMs;
    if (timeoutMs === 0 || !peersAcknowledge || !database.listeningInstances || !listener?.connected) {
      acknowledgements.delete(messageId);
      return;
    }
    const started = performance.now();
    let missing: string[] = [];
    try {
      const peers = (await database.listeningInstances()).filter((id) => id !== instanceId);
      if (peers.length === 0) {
        stats.propagation.no_peers += 1;
        return;
      }
      const remaining = () => peers.filter((peer) => !acknowledgements.get(messageId)?.has(peer));
      missing = remaining();
      if (missing.length > 0) {
        missing = await new Promise<string[]>((resolve) => {
          const timer = setTimeout(
            () => resolve(remaining()),
            Math.max(0, timeoutMs - (performance.now() - started)),
          );
          ackWaiters.set(messageId, () => {
            if (remaining().length > 0) return;
            clearTimeout(timer);
            resolve([]);
          });
        });
      }
      if (missing.length === 0) stats.propagation.acknowledged += 1;
      else {
        stats.propagation.timed_out += 1;
        deps.onUnacknowledged?.({ missing, waitedMs: performance.now() - started });
      }
    } catch (cause) {
      // The peers could not be listed (the store is failing): answer without waiting.
      stats.propagation.not_listed += 1;
      deps.onUnacknowledged?.({ missing, waitedMs: performance.now() - started, cause });
    } finally {
      ackWaiters.delete(messageId);
      acknowledgements.delete(messageId);
      stats.propagationWaitMs += performance.now() - started;
    }
  }

  /**
   * The one way a change that must stop cached verifications everywhere is announced (ADR 0039):
   * NOTIFY in the caller's transaction (delivered only on COMMIT, so a rollback invalidates
   * nothing); after COMMIT, evict here, then wait (bounded) until every other instance whose
   * revocation feed is connected has acknowledged evicting. The caller answers only after that,
   * so a request sent after the answer finds no instance still serving the old verification.
   */
  async function propagateInvalidation(tx: Tx, message: InvalidationMessage): Promise<void> {
    if (!peersAcknowledge) {
      await credentials.notify(tx, INVALIDATION_CHANNEL, JSON.stringify(message));
      tx.afterCommit(() => applyInvalidation(message));
      return;
    }
    invalidationSequence += 1;
    const messageId = `${instanceId}.${invalidationSequence}`;
    const sent: SentInvalidation = { ...message, n: messageId };
    await credentials.notify(tx, INVALIDATION_CHANNEL, JSON.stringify(sent));
    tx.afterCommit(() => {
      applyInvalidation(message);
      return awaitPeers(messageId);
    });
  }

  function applyInvalidation(message: InvalidationMessage) {
    if ('ids' in message) cache.evictIds(message.ids);
    else if ('user' in message) cache.evictUser(message.user);
    else cache.clear();
  }

  /**
   * Cached answers are trusted only while the revocation feed (LISTEN) is connected: a revoke
   * committed by another instance while it is down would go unheard, so then every verification
   * reads the store, and nothing read meanwhile is cached (ADR 0019).
   */
  function cacheTrusted(): boolean {
    return listener === undefined || listener.connected;
  }

  /**
   * The cache, then the store, for a token whose format and checksum hold. A cached credential
   * that needs no store work (no replaced secret, no rotation overlap to end) is answered at once,
   * without a promise: the hot path of every authenticated request (issue #13).
   */
  function verifyWellFormedBearer(
    token: string,
    ip: string | null,
    fresh: FreshReads | undefined,
  ): VerifiedCredential | Promise<VerifiedCredential> {
    const hash = hashToken(token);
    const cached = lookupCached(hash);
    if (cached === NOT_CACHED) return verifyThroughStore(hash, ip, fresh);
    const now = clock.now();
    if (cached?.replacedSecretValidUntil || endsOverlapLater(cached, now))
      return settleBearer(hash, cached, ip, now);
    const verified = checkBearer(cached, ip, now);
    recordBearerUse(verified, ip, now);
    return verified;
  }

  async function verifyThroughStore(
    hash: string,
    ip: string | null,
    fresh: FreshReads | undefined,
  ): Promise<VerifiedCredential> {
    const record = await lookupInStore(hash, fresh);
    return settleBearer(hash, record, ip, clock.now());
  }

  /** The checks that may read or write the store: a replaced secret, the end of a rotation overlap. */
  async function settleBearer(
    hash: string,
    found: CachedCredential | undefined,
    ip: string | null,
    now: Date,
  ): Promise<VerifiedCredential> {
    let record = found;
    if (record?.replacedSecretValidUntil) {
      record = await checkReplacedSecret(hash, record, record.replacedSecretValidUntil, now, ip);
      if (!record) {
        stats.refused.revoked += 1;
        throw INVALID_TOKEN;
      }
    }
    const verified = checkBearer(record, ip, now);
    if (endsOverlapLater(verified, now)) await endOverlap(hash, verified);
    recordBearerUse(verified, ip, now);
    return verified;
  }

  function endsOverlapLater(record: CachedCredential | undefined, now: Date): boolean {
    return !!record?.overlapEndsAt && record.overlapEndsAt.getTime() > now.getTime();
  }

  /** Refuses anything but a live bearer credential allowed from `ip`. */
  function checkBearer(
    record: CachedCredential | undefined,
    ip: string | null,
    now: Date,
  ): VerifiedCredential {
    if (!record || !isLive(record, now)) {
      countRefusal(record);
      if (record) reportExpiredUse(record, now);
      throw INVALID_TOKEN;
    }
    if (!authenticates(record)) {
      stats.refused.wrong_kind += 1;
      throw INVALID_TOKEN;
    }
    // A PAT with an allow-list works from those networks only (ADR 0031); `ip` is the socket
    // address unless TRUST_PROXY is on, so a forged X-Forwarded-For cannot help.
    if (record.network !== null && !record.network.allows(ip)) {
      stats.refused.network += 1;
      reportNetworkRefusal(record, ip, now);
      throw new AppError(
        'network_not_allowed',
        'This token may not be used from your network; its owner limited it to other addresses.',
      );
    }
    return record;
  }

  function recordBearerUse(record: VerifiedCredential, ip: string | null, now: Date) {
    lastUsed.record(record.id, now, ip);
    if (record.kind === 'personal') activity.recordAddress(record.id, record.userId, ip, now);
  }

  async function lookup(hash: string, fresh?: FreshReads): Promise<CachedCredential | undefined> {
    const cached = lookupCached(hash);
    return cached === NOT_CACHED ? lookupInStore(hash, fresh) : cached;
  }

  /** What the cache knows of `hash` (a credential, or undefined: known never issued), or NOT_CACHED. */
  function lookupCached(hash: string): CachedCredential | undefined | typeof NOT_CACHED {
    if (!cacheTrusted()) {
      stats.untrustedCacheBypasses += 1;
      return NOT_CACHED;
    }
    const cached = cache.get(hash);
    if (cached) {
      stats.cacheHits += 1;
      return cached;
    }
    if (cache.isKnownUnknown(hash)) {
      stats.negativeHits += 1;
      return undefined;
    }
    stats.cacheMisses += 1;
    return NOT_CACHED;
  }

  /** The store's answer for `hash` (after the issued-token filter), cached while the feed is trusted. */
  async function lookupInStore(hash: string, fresh?: FreshReads): Promise<CachedCredential | undefined> {
    const trusted = cacheTrusted();
    const epoch = cache.epoch;
    // Never issued (the filter is certain): refused without a store lookup.
    if (!(await issued.mightBeIssued(hash))) {
      stats.filterRejections += 1;
      if (trusted && cacheTrusted()) cache.setUnknown(hash, epoch);
      return undefined;
    }
    let row: Awaited<ReturnType<CredentialRepository['findCredentialByHash']>>;
    stats.storeLookups += 1;
    try {
      // A secret rotated out before the last rotation: only on a miss, off the hot path.
      row =
        (await credentials.findCredentialByHash(hash)) ??
        (await credentials.findCredentialByRotatedOutHash(hash, rotatedOutSince()));
    } catch (error) {
      stats.storeErrors += 1;
      // Never "allow" when the store cannot answer.
      throw new AppError('service_unavailable', 'The credential store is unavailable.', {
        headers: { 'retry-after': '5' },
        cause: error,
      });
    }
    // The feed may have dropped while we read: then do not cache what we read.
    const cacheable = trusted && cacheTrusted();
    if (!row) {
      if (cacheable) cache.setUnknown(hash, epoch);
      return undefined;
    }
    const record: CachedCredential = {
      id: row.id,
      userId: row.user_id,
      kind: row.kind,
      scopes: row.scopes,
      expiresAt: row.expires_at,
      revoked: row.revoked_at !== null,
      familyId: row.family_id,
      taskGroupId: row.task_group_id,
      clientId: row.client_id,
      onRotatedOutUse: row.on_rotated_out_use,
      repoIds: row.repo_ids,
      network: row.allowed_cidrs ? new NetworkPolicy(row.allowed_cidrs) : null,
      // Found by the secret a rotation replaced: valid until the overlap's end (ADR 0029).
      ...(row.token_hash !== hash
        ? { replacedSecretValidUntil: row.previous_valid_until ?? new Date(0) }
        : row.previous_valid_until
          ? { overlapEndsAt: row.previous_valid_until }
          : {}),
    };
    if (cacheable) cache.set(hash, record, epoch);
    if (fresh) {
      fresh.owner = {
        id: row.user_id,
        email: row.owner_email,
        name: row.owner_name,
        created_at: row.owner_created_at,
      };
    }
    return record;
  }

  function rotatedOutSince(): Date {
    return new Date(clock.now().getTime() - ROTATED_OUT_RETENTION_MS);
  }

  /**
   * Deletes sessions, access and refresh tokens a day past their expiry. A day's grace keeps a
   * replayed refresh token recognisable as reuse (family revocation) until well after it expired.
   */
  function purgeExpiredInteractive(): Promise<number> {
    return credentials.deleteInteractiveExpiredBefore(new Date(clock.now().getTime() - PURGE_GRACE_MS));
  }

  /**
   * A new hash enters this instance's filter before COMMIT (a rolled-back issuance only leaves a
   * harmless extra key) and every other instance's when the notification is delivered at COMMIT.
   */
  async function announceIssued(tx: Tx, tokenHash: string) {
    issued.add(tokenHash);
    const message: IssuanceMessage = { issued: [filterKeyOf(tokenHash)] };
    await credentials.notify(tx, INVALIDATION_CHANNEL, JSON.stringify(message));
  }

  function countRefusal(record: CachedCredential | undefined) {
    if (!record) stats.refused.unknown += 1;
    else if (record.revoked) stats.refused.revoked += 1;
    else stats.refused.expired += 1;
  }

  function isLive(record: CachedCredential, now: Date): boolean {
    return !record.revoked && (record.expiresAt === null || record.expiresAt.getTime() > now.getTime());
  }

  /**
   * A secret a rotation replaced verifies only during its overlap, and only if no instance has
   * committed the cut-over: before trusting a cached "still in overlap", one round trip on the
   * listening connection delivers every notification committed before this request (ADR 0022's
   * sync), so a cut-over on another instance is heard first. Anything else is a rotated-out replay.
   */
  async function checkReplacedSecret(
    hash: string,
    record: CachedCredential,
    validUntil: Date,
    now: Date,
    ip: string | null,
  ): Promise<CachedCredential | undefined> {
    let current: CachedCredential | undefined = record;
    if (validUntil.getTime() > now.getTime() && listener?.connected) {
      const epoch = cache.epoch;
      try {
        await listener.sync();
      } catch (error) {
        // A cut-over may have gone unheard: read the store again, and say why (once per window).
        deps.onBackgroundError?.(error);
        cache.evictIds([record.id]);
      }
      if (cache.epoch !== epoch) current = await lookup(hash);
    }
    if (current?.replacedSecretValidUntil && current.replacedSecretValidUntil.getTime() > now.getTime()) {
      return current;
    }
    if (current && !current.revoked && current.replacedSecretValidUntil)
      await reportRotatedOutUse(current, ip);
    return undefined;
  }

  /**
   * Presenting a rotated-out secret is recorded (at most once a minute per token and instance)
   * and, when the owner chose `revoke`, revokes the token everywhere. The audit event is also the
   * seam through which the owner is notified.
   */
  async function reportRotatedOutUse(record: CachedCredential, ip: string | null) {
    const nowMs = clock.now().getTime();
    const last = rotatedOutReported.get(record.id);
    if (last !== undefined && nowMs - last < 60_000) return;
    if (rotatedOutReported.size > 10_000) rotatedOutReported.clear();
    rotatedOutReported.set(record.id, nowMs);
    const action = record.onRotatedOutUse ?? 'notify';
    const targetType = record.kind === 'automation' ? 'automation_token' : 'personal_access_token';
    try {
      await inTransaction(database.db, async (tx) => {
        let revoked = false;
        if (action === 'revoke') {
          revoked =
            (await revokeCredentialsIn(tx, { ids: [record.id] }, 'rotated_out_secret_used')).length > 0;
        }
        const context =
          ip === null
            ? null
            : { ip, userAgent: null, requestId: '', actorCredentialId: null, actorKind: null };
        await deps.audit?.record(tx, context, {
          userId: record.userId,
          action: 'token.rotated_out_used',
          targetType,
          targetId: record.id,
          outcome: 'failure',
          metadata: { on_rotated_out_use: action, token_revoked: revoked },
        });
        // The owner hears of it in the same transaction (issue #15): someone still holds the old
        // secret. Every instance reports its own replays; the owner gets one notice an hour.
        const row = await credentials.findCredentialById(record.id, tx);
        await enqueueNotice(tx, {
          userId: record.userId,
          kind: 'token.rotated_secret_used',
          subject: { type: targetType, id: record.id, name: row?.name, preview: row?.preview },
          data: { ip, on_rotated_out_use: action, token_revoked: revoked },
          dedupeKey: `token.rotated_secret_used:${record.id}:${clock.now().toISOString().slice(0, 13)}`,
          at: clock.now(),
        });
      });
    } catch (error) {
      deps.onBackgroundError?.(error);
    }
  }

  /** The first use of a new secret ends its rotation's overlap on every instance (ADR 0029). */
  function endOverlap(hash: string, record: CachedCredential): Promise<void> {
    const running = overlapEndings.get(record.id);
    if (running) return running;
    const ending = inTransaction(database.db, async (tx) => {
      const ended = await credentials.endRotationOverlap(tx, record.id, () => clock.now());
      if (!ended) return;
      await propagateInvalidation(tx, { ids: [record.id] });
      await deps.audit?.record(tx, null, {
        userId: ended.user_id,
        action: 'token.rotation_completed',
        targetType: ended.kind === 'automation' ? 'automation_token' : 'personal_access_token',
        targetId: ended.id,
        metadata: { name: ended.name, ended_by: 'first_use_of_new_secret' },
      });
    })
      .then(() => {
        // Ended (here or elsewhere): what is cached stops trying; the eviction may not have come yet.
        const { overlapEndsAt: _ended, ...withoutOverlap } = record;
        cache.replace(hash, record, withoutOverlap);
      })
      // The old secret then stays valid until its deadline: safe, and the next use tries again.
      .catch((error) => deps.onBackgroundError?.(error))
      .finally(() => overlapEndings.delete(record.id));
    overlapEndings.set(record.id, ending);
    return ending;
  }

  function invalidateCredentials(tx: Tx, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return propagateInvalidation(tx, ids.length <= 100 ? { ids } : { all: true });
  }

  async function revokeCredentialsIn(
    tx: Tx,
    filter: Parameters<CredentialRepository['revokeCredentials']>[1],
    reason: string,
  ): Promise<RevokedCredential[]> {
    const revoked = await credentials.revokeCredentials(tx, filter, reason, clock.now());
    if (revoked.length === 0) return revoked;
    await invalidateCredentials(
      tx,
      revoked.map((r) => r.id),
    );
    return revoked;
  }

  /**
   * Verifies a bearer token: format and checksum first (no lookup for garbage), then the
   * cache, then the store. Refuses with 401 invalid_token anything but a live credential.
   * Answers at once (a credential, or a refusal thrown) whatever the cache can decide alone —
   * the hot path costs no promise (issue #13) — and with a promise when the store is asked.
   */
  function verifyBearer(
    token: string,
    ip: string | null,
    fresh?: FreshReads,
  ): VerifiedCredential | Promise<VerifiedCredential> {
    const prefix = parseToken(token);
    // Session cookies and refresh tokens are never bearer credentials.
    if (prefix !== 'acc' && prefix !== 'pat' && prefix !== 'aut') {
      if (prefix === null) stats.refused.malformed += 1;
      else stats.refused.wrong_kind += 1;
      throw INVALID_TOKEN;
    }
    return verifyWellFormedBearer(token, ip, fresh);
  }

  return {
    cache,
    lastUsed,
    activity,
    issued,
    stats,

    /** Names this process's revocation feed in pg_stat_activity (`tessera-listener:<id>`). */
    instanceId,

    /** Whether revocations from other instances are being heard (readiness). */
    invalidationFeedConnected(): boolean {
      return listener?.connected ?? false;
    },

    async start() {
      listener = await database.listen(INVALIDATION_CHANNEL, {
        instanceId,
        alsoListen: [INVALIDATION_ACK_CHANNEL],
        onNotification(payload, channel) {
          if (channel === INVALIDATION_ACK_CHANNEL) {
            recordAcknowledgement(payload);
            return;
          }
          stats.notificationsReceived += 1;
          try {
            const message = JSON.parse(payload) as SentInvalidation | IssuanceMessage;
            if ('issued' in message) for (const key of message.issued) issued.add(key);
            else {
              applyInvalidation(message);
              // Evicted (and the cache epoch moved, so a read in flight will not cache what it
              // read before the change): tell the sender, over this same connection.
              if (message.n && !message.n.startsWith(`${instanceId}.`)) {
                listener?.notify(INVALIDATION_ACK_CHANNEL, `${message.n} ${instanceId}`).catch((error) => {
                  // The feed dropped: onDisconnect clears the cache and the sender stops waiting at its bound.
                  deps.onBackgroundError?.(error);
                });
              }
            }
          } catch (error) {
            // Unreadable: assume the worst (anything may have been revoked) and say why.
            cache.clear();
            issued.reset();
            deps.onBackgroundError?.(error);
          }
        },
        onDisconnect(cause) {
          stats.feedDisconnects += 1;
          feedLostAt = clock.now().getTime();
          cache.clear();
          deps.onInvalidationFeed?.({ state: 'lost', cause });
        },
        onReconnect() {
          stats.feedReconnects += 1;
          // Revocations sent while we were away were lost: forget everything cached.
          cache.clear();
          issued.reset();
          const gapMs = feedLostAt === undefined ? 0 : clock.now().getTime() - feedLostAt;
          feedLostAt = undefined;
          deps.onInvalidationFeed?.({ state: 'restored', gapMs });
        },
        onReconnectFailed: (cause) => deps.onBackgroundError?.(cause),
      });
      // After LISTEN is in place: an issuance is then either in the filter's snapshot or notified.
      await issued.start();
      lastUsed.start();
      activity.start();
      purgeTimer = setInterval(() => {
        Promise.all([purgeExpiredInteractive(), credentials.deleteRotatedOutSecretsBefore(rotatedOutSince())])
          .then(([deleted, forgotten]) => {
            if (deleted + forgotten > 0) issued.refresh();
          })
          .catch((error) => deps.onBackgroundError?.(error));
      }, PURGE_INTERVAL_MS);
      purgeTimer.unref();
    },

    async stop() {
      clearInterval(purgeTimer);
      issued.stop();
      await lastUsed.stop();
      await activity.stop();
      await listener?.close();
    },

    purgeExpiredInteractive,

    /** Creates a credential and returns its secret; the caller shows it exactly once. */
    async issueCredential(
      tx: Tx,
      input: IssueCredentialInput,
    ): Promise<{ token: string; credential: CredentialRow }> {
      const token = generateToken(PREFIX_OF_KIND[input.kind]);
      const tokenHash = hashToken(token);
      await announceIssued(tx, tokenHash);
      const credential = await credentials.insertCredential(
        {
          id: newId(ID_PREFIX_OF_KIND[input.kind]),
          user_id: input.userId,
          kind: input.kind,
          token_hash: tokenHash,
          preview: previewToken(token),
          name: input.name ?? null,
          description: input.description ?? null,
          scopes: input.scopes ?? [],
          client_id: input.clientId ?? null,
          family_id: input.familyId ?? null,
          task_group_id: input.taskGroupId ?? null,
          rotated_from_id: input.rotatedFromId ?? null,
          created_at: clock.now(),
          expires_at: input.expiresAt,
          user_agent: input.userAgent?.slice(0, 512) ?? null,
          ...(input.allowSelfRotation !== undefined ? { allow_self_rotation: input.allowSelfRotation } : {}),
          ...(input.onRotatedOutUse !== undefined ? { on_rotated_out_use: input.onRotatedOutUse } : {}),
          repo_ids: input.repoIds ?? null,
          allowed_cidrs: input.allowedCidrs ?? null,
        },
        tx,
      );
      return { token, credential };
    },

    verifyBearer,

    /**
     * RFC 7662: the live PAT or access token a string names, or undefined for anything else
     * (malformed, unknown, expired, revoked, another kind). Uses the verification cache, so a
     * revocation is honoured as on every other route; records no use.
     */
    async introspectToken(token: string): Promise<CachedCredential | undefined> {
      const prefix = parseToken(token);
      if (prefix !== 'pat' && prefix !== 'acc') return undefined;
      const record = await lookup(hashToken(token));
      if (!record || !isLive(record, clock.now())) return undefined;
      return record.kind === 'personal' || record.kind === 'access' ? record : undefined;
    },

    /** A PAT exercised a scope: counted for its least-privilege report (ADR 0031). */
    recordScopeUse(credentialId: string, userId: string, scope: string) {
      activity.recordScope(credentialId, userId, scope, clock.now());
    },

    /** Verifies a session cookie value; returns null for anything but a live session. */
    async verifySessionToken(
      token: string,
      ip: string | null,
      fresh?: FreshReads,
    ): Promise<VerifiedCredential | null> {
      if (parseToken(token) !== 'ses') {
        stats.refused.malformed += 1;
        return null;
      }
      const hash = hashToken(token);
      const record = await lookup(hash, fresh);
      const now = clock.now();
      if (!record || !authenticates(record) || record.kind !== 'session' || !isLive(record, now)) {
        if (record && record.kind !== 'session') stats.refused.wrong_kind += 1;
        else countRefusal(record);
        return null;
      }
      // Sliding expiry: every use pushes the end out to 30 days from now.
      const slideTo = new Date(now.getTime() + SESSION_LIFETIME_MS);
      const slid = { ...record, expiresAt: slideTo };
      cache.replace(hash, record, slid);
      lastUsed.record(record.id, now, ip, slideTo);
      return slid;
    },

    /** Finds a credential of one kind by its presented secret, without caching (token endpoint). */
    async findByToken(token: string, kind: CredentialKind): Promise<CredentialRow | undefined> {
      if (parseToken(token) !== PREFIX_OF_KIND[kind]) return undefined;
      const row = await credentials.findCredentialRowByHash(hashToken(token));
      return row?.kind === kind ? row : undefined;
    },

    /**
     * Revokes matching credentials inside the caller's transaction. Every instance evicts them
     * when the transaction commits: this one at once, the others through NOTIFY.
     */
    revokeCredentials: revokeCredentialsIn,

    /**
     * Rotates a live credential: a new secret under the same id. Without `oldSecretValidUntil`
     * the old secret stops working at once on every instance (evicted after commit, NOTIFY for
     * the others); with it, the old secret verifies until then or until the new one is first
     * used, whichever comes first (ADR 0029). Either way it is remembered as rotated out.
     */
    async rotateSecret(
      tx: Tx,
      row: Pick<CredentialRow, 'id' | 'kind'>,
      expiresAt: Date | null,
      oldSecretValidUntil?: Date,
    ): Promise<{ token: string; credential: CredentialRow } | undefined> {
      const token = generateToken(PREFIX_OF_KIND[row.kind]);
      const tokenHash = hashToken(token);
      await announceIssued(tx, tokenHash);
      const now = clock.now();
      const credential = await credentials.replaceCredentialSecret(tx, row.id, {
        token_hash: tokenHash,
        preview: previewToken(token),
        expires_at: expiresAt,
        rotated_at: now,
        previous_valid_until: oldSecretValidUntil ?? now,
      });
      if (!credential) return undefined;
      await propagateInvalidation(tx, { ids: [row.id] });
      return { token, credential };
    },

    /** Drops cached verifications of credentials whose scopes or state changed, on every instance. */
    invalidateCredentials,

    /** For a user who is deleted: every cached credential of theirs goes. */
    invalidateUser: (tx: Tx, userId: string) => propagateInvalidation(tx, { user: userId }),

    statusOf(row: Pick<CredentialRow, 'revoked_at' | 'expires_at'>): 'active' | 'expired' | 'revoked' {
      if (row.revoked_at) return 'revoked';
      if (row.expires_at && row.expires_at.getTime() <= clock.now().getTime()) return 'expired';
      return 'active';
    },

    // --- Credential rows for the features that show and change them (tokens, sessions, repos,
    // secret scanning, the expiry scan): this module owns the table, the others ask here. A
    // method that runs in the caller's transaction takes it first, as revokeCredentials does.

    /** A credential's row by id (a token presenting itself, an operator's revocation). */
    findCredentialById: (id: string) => credentials.findCredentialById(id),

    /** A user's manual PATs, newest first; automation tokens never appear here. */
    listPersonalTokensForOwner: (ownerId: string) => credentials.listPersonalTokensForOwner(ownerId),

    findPersonalTokenForOwner: (id: string, ownerId: string) =>
      credentials.findPersonalTokenForOwner(id, ownerId),

    /** Changes a PAT's settings; the caller invalidates cached verifications when it must. */
    updatePersonalToken: (
      tx: Tx,
      id: string,
      ownerId: string,
      changes: Parameters<CredentialRepository['updatePersonalToken']>[2],
    ) => credentials.updatePersonalToken(id, ownerId, changes, tx),

    /** The source networks a token was used from, most recently seen first (ADR 0031). */
    listNetworksOfToken: (id: string) => credentials.listNetworksOfToken(id),

    /** Uses per scope since a UTC day (inclusive), with the last day each was used. */
    sumScopeUsesSince: (id: string, sinceDay: string) => credentials.sumScopeUsesSince(id, sinceDay),

    listLiveWebSessionsForOwner: (ownerId: string, now: Date) =>
      credentials.listLiveWebSessionsForOwner(ownerId, now),

    listLiveAppSignInsForOwner: (ownerId: string, now: Date) =>
      credentials.listLiveAppSignInsForOwner(ownerId, now),

    /** What a live sign-in id of this owner names: a web session, an app sign-in, or nothing. */
    findLiveSignInTypeForOwner: (id: string, ownerId: string, now: Date) =>
      credentials.findLiveSignInTypeForOwner(id, ownerId, now),

    /** A task group's current automation token: the live one, else the newest revoked one. */
    findAutomationTokenOfGroup: (tx: Tx, taskGroupId: string) =>
      credentials.findAutomationTokenOfGroup(taskGroupId, tx),

    /** A repository's automation tokens, newest first, with their task group. */
    listAutomationTokensOfRepo: (executor: Db | undefined, repoId: string, userId: string) =>
      credentials.listAutomationTokensOfRepo(repoId, userId, executor),

    findAutomationTokenOfRepo: (tx: Tx, tokenId: string, repoId: string, userId: string) =>
      credentials.findAutomationTokenOfRepo(tokenId, repoId, userId, tx),

    /** The credentials whose current secret has one of these hashes, in any state (leak reports). */
    findCredentialsByHashes: (tokenHashes: string[]) => credentials.findCredentialsByHashes(tokenHashes),

    /** The live credentials these hashes authenticate, a secret in its rotation overlap included. */
    findLiveCredentialsBySecretHashes: (tokenHashes: string[], at: Date) =>
      credentials.findLiveCredentialsBySecretHashes(tokenHashes, at),

    /** Live PATs whose expiry falls in [from, to): the notices expiry scan. */
    listPersonalTokensExpiringBetween: (from: Date, to: Date) =>
      credentials.listPersonalTokensExpiringBetween(from, to),
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;

/**
 * A credential service on an open store for a command run beside the servers (`admin:revoke`),
 * not started: no LISTEN, no timers. Its revocations still reach every running instance, which
 * hear them on the revocation feed when the command's transaction commits.
 */
export function createCredentialServiceOn(
  database: Pick<Database, 'db' | 'listen' | 'prepare'>,
  deps: { config: Pick<Config, 'tokens'>; clock: Clock },
): CredentialService {
  return createCredentialService({
    credentials: createCredentialRepository(database.db, database.prepare),
    database,
    ...deps,
  });
}
