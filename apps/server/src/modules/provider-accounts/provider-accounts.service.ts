import { enqueueProviderTokenExpiring } from '../notices/expiry-scan.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';

/** How long a check stays fresh before the daily re-check tests the token again. */
export const RECHECK_AFTER_MS = 24 * 60 * 60 * 1000;

/** Check results that mean the provider refused the token itself. */
const REJECTED = new Set<string>(['invalid_token', 'token_expired', 'insufficient_permissions']);

import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import {
  DecryptionError,
  keyIdOf,
  type SecretCipher,
  UnknownKeyError,
} from '../../platform/crypto/secret-cipher.ts';
import type { Db } from '../../platform/database/database.ts';
import { isForeignKeyViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { OutboundGuard } from '../../platform/net/outbound-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { ProviderAccountStatus, ProviderName } from '../../schema.ts';
import { type AuditService, targetEvents } from '../audit/audit.service.ts';
import type {
  ProviderAccountPatch,
  ProviderAccountRepository,
  ProviderAccountRow,
} from './provider-accounts.repository.ts';
import { bitbucketCredentialKind } from './providers/bitbucket.client.ts';
import type { ProviderAccess, ProviderClient, RepositorySummary } from './providers/provider-client.ts';
import { ProviderError, type ProviderFailure } from './providers/provider-http.ts';
import { previewProviderToken, tokenProblemFor } from './token-formats.ts';

/**
 * The associated data of a stored token: the ciphertext opens only in the row, for the owner
 * and the provider it was written for (a value copied elsewhere fails to decrypt).
 */
export function tokenAad(row: Pick<ProviderAccountRow, 'id' | 'user_id' | 'provider'>): string {
  return `provider_accounts.token|${row.id}|${row.user_id}|${row.provider}`;
}

export interface TokenCheckResult {
  ok: boolean;
  status: Exclude<ProviderAccountStatus, 'unchecked'>;
  login?: string;
  scopes?: string[];
  expiresAt?: Date | null;
  error?: { code: ProviderFailure; message: string };
}

/** The check as the API states it (`POST …/test`, and the `check` member of a refusal). */
export function checkView(result: TokenCheckResult) {
  return {
    ok: result.ok,
    ...(result.login !== undefined ? { login: result.login } : {}),
    ...(result.scopes !== undefined ? { scopes: result.scopes } : {}),
    ...(result.expiresAt !== undefined
      ? { expires_at: result.expiresAt ? result.expiresAt.toISOString() : null }
      : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}

export interface CreateProviderAccountInput {
  provider: ProviderName;
  name: string;
  token: string;
  base_url?: string;
  username?: string;
  /** Save the account even when the provider refuses the token or cannot be reached. */
  force?: boolean;
}

export interface DescribedRepository {
  provider: ProviderName;
  full_name: string;
  private: boolean;
  default_branch: string | null;
}

function invalidField(field: string, message: string, detail = message): AppError {
  return new AppError('invalid_request', detail, { errors: [{ path: `body.${field}`, message }] });
}

/** `owner/name`; GitLab allows nested groups. No `.`/`..` segments: the name becomes part of an API path. */
const FULL_NAME_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function isValidFullName(provider: ProviderName, fullName: string): boolean {
  const segments = fullName.split('/');
  const countOk =
    provider === 'gitlab' ? segments.length >= 2 && segments.length <= 21 : segments.length === 2;
  return countOk && segments.every((s) => FULL_NAME_SEGMENT.test(s) && s.length <= 255);
}

export function createProviderAccountService(deps: {
  db: Db;
  accounts: ProviderAccountRepository;
  cipher: SecretCipher;
  clients: Record<ProviderName, ProviderClient>;
  audit: AuditService;
  clock: Clock;
  config: Pick<Config, 'providers' | 'notices'>;
  log: Pick<FastifyBaseLogger, 'error' | 'warn'>;
  /** Outbound HTTP that refuses private and loopback addresses (ADR 0016). */
  outbound: Pick<OutboundGuard, 'fetch'>;
}) {
  const { db, accounts, cipher, clients, audit, clock, config, log, outbound } = deps;
  /** An event about one of the owner's provider accounts (those with an outcome go through audit.record). */
  const recordAccountEvent = targetEvents(audit, 'provider_account');
  const defaultBaseUrls: Record<ProviderName, string> = {
    github: config.providers.githubApiUrl,
    gitlab: config.providers.gitlabUrl,
    bitbucket: config.providers.bitbucketApiUrl,
  };

  function baseUrlOf(row: Pick<ProviderAccountRow, 'provider' | 'base_url'>): string {
    return row.base_url ?? defaultBaseUrls[row.provider];
  }

  /**
   * A self-hosted GitLab URL. The server will send the user's token there, so it must be https;
   * plain http is accepted only for the host the operator configured in GITLAB_URL.
   */
  function normalizeGitLabUrl(input: string): string | null {
    let url: URL;
    try {
      url = new URL(input.trim());
    } catch {
      throw invalidField('base_url', 'must be an absolute URL', 'base_url must be an absolute https URL.');
    }
    const configured = new URL(config.providers.gitlabUrl);
    const httpAllowed = url.protocol === 'http:' && url.hostname === configured.hostname;
    if (url.protocol !== 'https:' && !httpAllowed) {
      throw invalidField('base_url', 'must use https', 'base_url must be an https URL.');
    }
    if (url.username || url.password || url.search || url.hash) {
      throw invalidField('base_url', 'must not contain credentials, a query or a fragment');
    }
    const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    const normalized = `${url.origin}${path}`;
    return normalized === config.providers.gitlabUrl ? null : normalized;
  }

  function checkTokenInput(provider: ProviderName, token: string, username: string | null) {
    const problem = tokenProblemFor(provider, token);
    if (problem) throw invalidField('token', 'does not belong to this provider', problem);
    if (provider === 'bitbucket' && username && token.startsWith('ATATT') && !username.includes('@')) {
      throw invalidField(
        'username',
        'must be the Atlassian account e-mail for an API token',
        'An Atlassian API token is used with the e-mail address of the Atlassian account as the username.',
      );
    }
  }

  function accessFor(
    row: Pick<ProviderAccountRow, 'provider' | 'base_url' | 'username'>,
    token: string,
  ): ProviderAccess {
    return {
      token,
      username: row.username,
      baseUrl: baseUrlOf(row),
      timeoutMs: config.providers.timeoutMs,
      fetch: outbound.fetch,
    };
  }

  /** Asks the provider who the token belongs to and whether it may read repositories. */
  async function checkWithProvider(
    row: Pick<ProviderAccountRow, 'provider' | 'base_url' | 'username'>,
    token: string,
    knownExpiry: Date | null,
  ): Promise<TokenCheckResult> {
    const client = clients[row.provider];
    let identity: Awaited<ReturnType<ProviderClient['checkToken']>>;
    try {
      identity = await client.checkToken(accessFor(row, token));
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // The user sees our sentence; the operator's log keeps the network error behind it.
      if (error.code === 'unreachable') {
        log.warn({ err: error, provider: row.provider }, 'provider check failed: provider unreachable');
      }
      // Most providers answer a plain 401 for an expired token; our last known expiry tells them apart.
      if (error.code === 'invalid_token' && knownExpiry && knownExpiry.getTime() <= clock.now().getTime()) {
        return {
          ok: false,
          status: 'token_expired',
          error: { code: 'token_expired', message: `The token expired on ${knownExpiry.toISOString()}.` },
        };
      }
      return { ok: false, status: error.code, error: { code: error.code, message: error.message } };
    }
    const found = {
      login: identity.login,
      ...(identity.scopes ? { scopes: identity.scopes } : {}),
      expiresAt: identity.expiresAt,
    };
    const missing = client.missingScope(identity.scopes);
    if (missing) {
      return {
        ok: false,
        status: 'insufficient_permissions',
        ...found,
        error: {
          code: 'insufficient_permissions',
          message: `The token lacks the "${missing}" scope, which Tessera needs to read your ${client.label} repositories.`,
        },
      };
    }
    return { ok: true, status: 'ok', ...found };
  }

  function checkColumns(
    result: TokenCheckResult,
    previous: Pick<ProviderAccountRow, 'login' | 'scopes' | 'token_expires_at'> | null,
  ) {
    const reached = result.login !== undefined;
    return {
      status: result.status,
      login: reached ? (result.login ?? null) : (previous?.login ?? null),
      scopes: reached ? (result.scopes ?? null) : (previous?.scopes ?? null),
      token_expires_at: reached ? (result.expiresAt ?? null) : (previous?.token_expires_at ?? null),
      last_checked_at: clock.now(),
    } satisfies ProviderAccountPatch;
  }

  function auditMetadata(row: Pick<ProviderAccountRow, 'provider' | 'username'>, token?: string) {
    const metadata: Record<string, unknown> = { provider: row.provider };
    if (token) metadata.token_preview = previewProviderToken(token);
    if (row.provider === 'bitbucket' && token && row.username) {
      const kind = bitbucketCredentialKind(token, row.username);
      metadata.credential = kind;
      if (kind === 'app_password') metadata.legacy = true;
    }
    return metadata;
  }

  async function findOwned(userId: string, id: string): Promise<ProviderAccountRow> {
    const row = await accounts.findAccountForOwner(id, userId);
    if (!row) throw new AppError('not_found', 'There is no such provider account.');
    return row;
  }

  /** Decrypts the stored token at the moment of use. Failures say nothing about why. */
  async function openToken(row: ProviderAccountRow, context: RequestContext | null): Promise<string> {
    try {
      return cipher.decrypt(row.token_ciphertext, tokenAad(row));
    } catch (error) {
      if (!(error instanceof DecryptionError || error instanceof UnknownKeyError)) throw error;
      log.error(
        { providerAccountId: row.id, keyId: keyIdOf(row.token_ciphertext), reason: error.name },
        'a stored provider token could not be decrypted',
      );
      await audit.record(undefined, context, {
        userId: row.user_id,
        action: 'provider_account.token_unreadable',
        targetType: 'provider_account',
        targetId: row.id,
        outcome: 'failure',
        metadata: { provider: row.provider },
      });
      throw new AppError(
        'internal_error',
        'The stored token of this provider account cannot be read. Replace it with a new token.',
      );
    }
  }

  /**
   * A token that failed its check is not saved unless the caller insists (`force`): saving it
   * would break whatever used the account, and the user would only learn of it later.
   */
  async function refuseFailedCheck(
    userId: string,
    provider: ProviderName,
    result: TokenCheckResult,
    context: RequestContext,
    account: { id: string } | { name: string },
  ): Promise<never> {
    await audit.record(undefined, context, {
      userId,
      action: 'provider_account.token_refused',
      ...('id' in account ? { targetType: 'provider_account', targetId: account.id } : {}),
      outcome: 'failure',
      metadata: {
        provider,
        status: result.status,
        ...('name' in account ? { name: account.name } : {}),
      },
    });
    const label = clients[provider].label;
    const reason = result.error?.message ?? 'The token did not pass the check.';
    throw new AppError(
      'policy_violation',
      `${label} did not accept the token: ${reason} Nothing was saved; send "force": true to save it anyway.`,
      { extensions: { check: checkView(result) } },
    );
  }

  /**
   * Records a check of the stored token (a user's test or the daily re-check) in one
   * transaction: the state and the expiry the provider reported, the audit event, and the
   * notices — `provider_token.rejected` when the token newly became refused,
   * `provider_token.expiring` once per threshold of the reported expiry.
   */
  async function recordCheck(
    row: ProviderAccountRow,
    result: TokenCheckResult,
    context: RequestContext | null,
    by: 'owner' | 'daily_check',
  ) {
    await inTransaction(db, async (tx) => {
      const updated = await accounts.recordCheckForOwner(row, checkColumns(result, row), tx);
      // The token was replaced (or the account removed) while we asked: this result is not its.
      if (!updated) return;
      await audit.record(tx, context, {
        userId: row.user_id,
        action: 'provider_account.tested',
        targetType: 'provider_account',
        targetId: row.id,
        outcome: result.ok ? 'success' : 'failure',
        metadata: { provider: row.provider, status: result.status, by },
      });
      const subject = {
        type: 'provider_account' as const,
        id: row.id,
        name: row.name,
        preview: row.token_preview,
      };
      // Once when the token becomes refused: testing a token already known to be refused (for
      // whatever reason: revoked, then past its expiry) says nothing new.
      if (REJECTED.has(result.status) && !REJECTED.has(row.status)) {
        await enqueueNotice(tx, {
          userId: row.user_id,
          kind: 'provider_token.rejected',
          subject,
          data: {
            provider: row.provider,
            status: result.status,
            message: result.error?.message ?? null,
            by,
          },
          at: clock.now(),
        });
      }
      if (result.ok && updated.token_expires_at) {
        await enqueueProviderTokenExpiring(
          tx,
          { ...updated, token_expires_at: updated.token_expires_at },
          clock.now(),
          config.notices.expiryDays,
        );
      }
    });
  }

  function providerFailure(row: ProviderAccountRow, error: unknown): never {
    if (error instanceof ProviderError) {
      throw new AppError('bad_gateway', `${clients[row.provider].label}: ${error.message} (${error.code})`, {
        cause: error,
      });
    }
    throw error;
  }

  return {
    baseUrlOf,

    async listAccounts(userId: string) {
      return accounts.listAccountsForOwner(userId);
    },

    async createAccount(userId: string, input: CreateProviderAccountInput, context: RequestContext) {
      const token = input.token.trim();
      const name = input.name.trim();
      const username = input.username?.trim() || null;
      const baseUrlInput = input.base_url?.trim() || null;
      // The token first: a token pasted under the wrong provider is the mistake worth naming.
      const problem = tokenProblemFor(input.provider, token);
      if (problem) throw invalidField('token', 'does not belong to this provider', problem);
      if (input.provider === 'bitbucket' && !username) {
        throw invalidField(
          'username',
          'is required for Bitbucket',
          'Bitbucket needs a username: the Atlassian account e-mail for an API token, or the Bitbucket username for an app password.',
        );
      }
      if (input.provider !== 'bitbucket' && username) {
        throw invalidField(
          'username',
          'applies to Bitbucket only',
          `${clients[input.provider].label} reports the login itself; leave username out.`,
        );
      }
      if (input.provider !== 'gitlab' && baseUrlInput) {
        throw invalidField(
          'base_url',
          'applies to GitLab only',
          `A per-account base_url applies to GitLab only; the ${clients[input.provider].label} API URL is set by the server's configuration.`,
        );
      }
      const baseUrl = baseUrlInput ? normalizeGitLabUrl(baseUrlInput) : null;
      checkTokenInput(input.provider, token, username);

      const id = newId('pa');
      const draft = { id, user_id: userId, provider: input.provider, base_url: baseUrl, username };
      const check = await checkWithProvider(draft, token, null);
      if (!check.ok && !input.force)
        await refuseFailedCheck(userId, input.provider, check, context, { name });
      const now = clock.now();
      return inTransaction(db, async (tx) => {
        const row = await accounts.insertAccount(
          {
            ...draft,
            name,
            token_ciphertext: cipher.encrypt(token, tokenAad(draft)),
            token_preview: previewProviderToken(token),
            ...checkColumns(check, null),
            created_at: now,
            updated_at: now,
          },
          tx,
        );
        await recordAccountEvent(tx, context, userId, row.id, 'provider_account.added', {
          ...auditMetadata(row, token),
          name,
          status: row.status,
        });
        return row;
      });
    },

    async updateAccount(
      userId: string,
      id: string,
      input: { name?: string; token?: string; force?: boolean },
      context: RequestContext,
    ) {
      const row = await findOwned(userId, id);
      const patch: ProviderAccountPatch = { updated_at: clock.now() };
      if (input.name !== undefined) patch.name = input.name.trim();
      const token = input.token?.trim();
      if (token !== undefined) {
        checkTokenInput(row.provider, token, row.username);
        // A new token: its expiry is whatever the provider now says, not the old token's.
        const check = await checkWithProvider(row, token, null);
        // The old token keeps working until a new one has proved itself (or the user insists).
        if (!check.ok && !input.force) await refuseFailedCheck(userId, row.provider, check, context, row);
        Object.assign(patch, checkColumns(check, null), {
          token_ciphertext: cipher.encrypt(token, tokenAad(row)),
          token_preview: previewProviderToken(token),
        });
      }
      return inTransaction(db, async (tx) => {
        const updated = await accounts.updateAccountForOwner(id, userId, patch, tx);
        if (!updated) throw new AppError('not_found', 'There is no such provider account.');
        if (token !== undefined) {
          await recordAccountEvent(tx, context, userId, id, 'provider_account.token_replaced', {
            ...auditMetadata(updated, token),
            status: updated.status,
          });
        }
        if (input.name !== undefined && input.name.trim() !== row.name) {
          await recordAccountEvent(tx, context, userId, id, 'provider_account.renamed', {
            provider: row.provider,
            name: updated.name,
          });
        }
        return updated;
      });
    },

    async removeAccount(userId: string, id: string, context: RequestContext) {
      try {
        await inTransaction(db, async (tx) => {
          const row = await accounts.findAccountForOwner(id, userId, tx);
          if (!row || !(await accounts.deleteAccountForOwner(id, userId, tx))) {
            throw new AppError('not_found', 'There is no such provider account.');
          }
          await recordAccountEvent(tx, context, userId, id, 'provider_account.removed', {
            provider: row.provider,
            name: row.name,
          });
        });
      } catch (error) {
        // Connected repositories reference the account (ON DELETE RESTRICT): their automation
        // tokens must be revoked through the repository, not vanish with a cascade.
        if (isForeignKeyViolation(error)) {
          throw new AppError(
            'conflict',
            'Repositories are connected through this provider account; disconnect them first.',
          );
        }
        throw error;
      }
    },

    async testAccount(userId: string, id: string, context: RequestContext): Promise<TokenCheckResult> {
      const row = await findOwned(userId, id);
      const token = await openToken(row, context);
      const result = await checkWithProvider(row, token, row.token_expires_at);
      await recordCheck(row, result, context, 'owner');
      return result;
    },

    /** Accounts whose token expires (as the provider reported) in [from, to): the notices expiry scan. */
    listAccountsWithTokenExpiringBetween: (from: Date, to: Date) =>
      accounts.listAccountsWithTokenExpiringBetween(from, to),

    /**
     * The daily re-check (ADR 0036): every stored token not checked in the last day is tested
     * again, by whichever instance claims it first, and recorded like a user's test. Returns how
     * many accounts this run checked. Unreadable tokens are audited (as at any use) and skipped.
     */
    async recheckDueAccounts(options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<number> {
      const batchSize = options.batchSize ?? 20;
      let checked = 0;
      for (;;) {
        if (options.signal?.aborted) break;
        const now = clock.now();
        const due = await accounts.claimAccountsDueForCheck(
          new Date(now.getTime() - RECHECK_AFTER_MS),
          now,
          batchSize,
        );
        if (due.length === 0) break;
        for (const claimed of due) {
          // The claim stamped last_checked_at; the stored state before it is what "newly refused" compares with.
          let token: string;
          try {
            token = await openToken(claimed, null);
          } catch (error) {
            // An unreadable token was logged and audited by openToken; anything else is logged here.
            if (!(error instanceof AppError)) {
              log.error({ err: error, providerAccountId: claimed.id }, 'daily provider token check failed');
            }
            continue;
          }
          try {
            const result = await checkWithProvider(claimed, token, claimed.token_expires_at);
            await recordCheck(claimed, result, null, 'daily_check');
            checked += 1;
          } catch (error) {
            // One account's failure must not stop the others' checks.
            log.error({ err: error, providerAccountId: claimed.id }, 'daily provider token check failed');
          }
        }
      }
      return checked;
    },

    async listRepositories(
      userId: string,
      id: string,
      context: RequestContext,
    ): Promise<RepositorySummary[]> {
      const row = await findOwned(userId, id);
      const token = await openToken(row, context);
      try {
        return await clients[row.provider].listRepositories(accessFor(row, token));
      } catch (error) {
        providerFailure(row, error);
      }
    },

    /**
     * For other features (repositories): the repository as the provider describes it, seen
     * through one of the user's provider accounts. not_found when the account is not the user's
     * or the token cannot see the repository.
     */
    async describeRepository(
      userId: string,
      providerAccountId: string,
      fullName: string,
      context: RequestContext | null = null,
    ): Promise<DescribedRepository> {
      const row = await findOwned(userId, providerAccountId);
      if (!isValidFullName(row.provider, fullName)) {
        throw invalidField(
          'full_name',
          'must look like owner/name',
          `full_name must look like "owner/name"${row.provider === 'gitlab' ? ' (or "group/subgroup/name")' : ''}.`,
        );
      }
      const token = await openToken(row, context);
      let found: RepositorySummary | null;
      try {
        found = await clients[row.provider].findRepository(accessFor(row, token), fullName);
      } catch (error) {
        providerFailure(row, error);
      }
      if (!found) {
        throw new AppError(
          'not_found',
          `${clients[row.provider].label} shows no repository "${fullName}" to this account.`,
        );
      }
      return { provider: row.provider, ...found };
    },
  };
}

export type ProviderAccountService = ReturnType<typeof createProviderAccountService>;
