import type { Config } from '../../config.ts';
import { addMs, type Clock } from '../../platform/clock.ts';
import type { CounterStore } from '../../platform/counter-store.ts';
import type { Db } from '../../platform/database/database.ts';
import { isUniqueViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit-actions.ts';
import { AUDIT_TARGET_TYPE_OF_CREDENTIAL, type AuditTargetType } from '../audit/audit-target-types.ts';
import { type CredentialService, SESSION_LIFETIME_MS } from '../credentials/credentials.service.ts';
import type { Identity, InteractiveIdentity } from '../credentials/identity.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';
import type { AccountRepository, UserRow } from './accounts.repository.ts';
import { hashPassword, isCommonPassword, needsRehash, verifyPassword } from './password.ts';

const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What a password confirmation is for: the audited action and the body member that held it. */
export interface ConfirmationPurpose {
  field: string;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
}

export type AccountDeletionHook = (tx: Tx, userId: string) => Promise<void>;

export function createAccountService(deps: {
  db: Db;
  accounts: AccountRepository;
  credentials: CredentialService;
  audit: AuditService;
  counters: CounterStore;
  clock: Clock;
  config: Pick<Config, 'rateLimits'>;
}) {
  const { db, accounts, credentials, audit, counters, clock, config } = deps;
  const accountDeletionHooks: AccountDeletionHook[] = [];
  // Verified against when the e-mail is unknown, so both failures cost the same time.
  const dummyHash = hashPassword('tessera-dummy-password-for-timing');

  /**
   * The one gate every password check passes (PWD-7): sign-in, the OAuth password grant and each
   * confirmation by a signed-in user share one budget per account
   * (`RATE_LIMIT_FAILURES_PER_ACCOUNT` per 15 minutes, from any address or instance). The attempt
   * is reserved with an atomic increment *before* argon2 runs, so simultaneous guesses cannot all
   * slip past a count read earlier; a right password resets the budget, and a check that never
   * ran (hashing shed the load, the store failed) gives its reservation back. Over budget: 429,
   * audited, and no argon2 work at all.
   */
  async function checkPasswordWithinBudget(
    email: string,
    userId: string | null,
    context: RequestContext,
    attempt: 'sign_in' | 'confirmation',
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const key = `sign-in-failures:${email}`;
    const reserved = await counters.increment(key, FAILURE_WINDOW_MS);
    if (reserved.count > config.rateLimits.signInFailuresPerAccount) {
      await audit.record(undefined, context, {
        userId,
        action: 'auth.throttled',
        outcome: 'failure',
        metadata: { reason: 'too_many_failures', attempt },
      });
      throw new AppError(
        'rate_limited',
        'Too many failed password attempts for this account; try again later.',
        {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(reserved.resetInMs / 1000))) },
        },
      );
    }
    let valid: boolean;
    try {
      valid = await check();
    } catch (error) {
      await counters.decrement(key);
      throw error;
    }
    if (valid) await counters.reset(key);
    return valid;
  }

  /** Checks e-mail and password; shared by web sign-in and the OAuth password grant. */
  async function authenticatePassword(
    emailInput: string,
    password: string,
    context: RequestContext,
  ): Promise<UserRow> {
    const email = normalizeEmail(emailInput);
    const user = await accounts.findUserByEmail(email);
    const valid = await checkPasswordWithinBudget(email, user?.id ?? null, context, 'sign_in', async () => {
      // An unknown e-mail still costs one verification, so both failures take the same time.
      const matches = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
      return matches && user !== undefined;
    });
    if (!valid || !user) {
      await audit.record(undefined, context, {
        userId: user?.id ?? null,
        action: 'auth.login',
        outcome: 'failure',
        metadata: { reason: user ? 'wrong_password' : 'unknown_email' },
      });
      throw new AppError('invalid_credentials', 'The e-mail or password is not right.');
    }
    if (needsRehash(user.password_hash)) {
      await accounts.updatePasswordHash(user.id, await hashPassword(password));
    }
    return user;
  }

  /**
   * Re-authentication of a signed-in user: changing the password, ending other sign-ins,
   * deleting the account. Every confirmation goes through here, under the sign-in budget, so a
   * stolen session or access token cannot be used as a password oracle. A wrong password is
   * audited as a failure of `purpose.action` and answered 400 at `purpose.field` — not 401,
   * which clients take to mean "this credential is no good, sign in again" (ADR 0012).
   */
  async function confirmPassword(
    userId: string,
    password: string,
    context: RequestContext,
    purpose: ConfirmationPurpose,
  ): Promise<void> {
    const user = await accounts.findUserById(userId);
    if (!user) throw new AppError('not_found');
    const valid = await checkPasswordWithinBudget(user.email, user.id, context, 'confirmation', () =>
      verifyPassword(user.password_hash, password),
    );
    if (valid) return;
    const { field, ...target } = purpose;
    await audit.record(undefined, context, {
      userId: user.id,
      ...target,
      outcome: 'failure',
      metadata: { reason: 'wrong_password' },
    });
    throw new AppError('invalid_request', 'The password is not right.', {
      errors: [{ path: field, message: 'is not right' }],
    });
  }

  return {
    authenticatePassword,
    confirmPassword,

    /** Stores a new password hash inside the caller's transaction (the password change). */
    async replacePasswordHash(tx: Tx, userId: string, passwordHash: string): Promise<void> {
      await accounts.updatePasswordHash(userId, passwordHash, tx);
    },

    async signUp(input: { email: string; password: string; name?: string }, context: RequestContext) {
      const email = normalizeEmail(input.email);
      if (isCommonPassword(input.password)) {
        throw new AppError('invalid_request', 'This password is too common; choose another.', {
          errors: [{ path: 'body.password', message: 'is too common', code: 'too_common' }],
        });
      }
      const passwordHash = await hashPassword(input.password);
      try {
        return await inTransaction(db, async (tx) => {
          const user = await accounts.insertUser(
            {
              id: newId('usr'),
              email,
              name: input.name ?? null,
              password_hash: passwordHash,
              created_at: clock.now(),
            },
            tx,
          );
          const session = await credentials.issueCredential(tx, {
            userId: user.id,
            kind: 'session',
            expiresAt: addMs(clock.now(), SESSION_LIFETIME_MS),
            userAgent: context.userAgent,
          });
          await audit.record(tx, context, {
            userId: user.id,
            action: 'auth.signup',
            targetType: 'user',
            targetId: user.id,
          });
          return { user, sessionToken: session.token };
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', 'An account with this e-mail already exists.');
        throw error;
      }
    },

    async logIn(input: { email: string; password: string }, context: RequestContext) {
      const user = await authenticatePassword(input.email, input.password, context);
      return inTransaction(db, async (tx) => {
        // Read before this sign-in's own audit row: a browser or client never seen on the account.
        const knownDevice =
          context.userAgent === null ||
          (await audit.hasSignedInWithUserAgent(tx, user.id, context.userAgent));
        const session = await credentials.issueCredential(tx, {
          userId: user.id,
          kind: 'session',
          expiresAt: addMs(clock.now(), SESSION_LIFETIME_MS),
          userAgent: context.userAgent,
        });
        if (!knownDevice) {
          await enqueueNotice(tx, {
            userId: user.id,
            kind: 'sign_in.new_device',
            subject: { type: 'session', id: session.credential.id },
            data: { ip: context.ip, user_agent: context.userAgent, via: 'web' },
            at: clock.now(),
          });
        }
        await audit.record(tx, context, {
          userId: user.id,
          action: 'auth.login',
          targetType: 'session',
          targetId: session.credential.id,
          metadata: { method: 'password', via: 'web' },
        });
        return { user, sessionToken: session.token };
      });
    },

    /** Ends the presenting sign-in: the session, or the access token with its refresh family. */
    async logOut(identity: InteractiveIdentity, context: RequestContext) {
      await inTransaction(db, async (tx) => {
        if (identity.kind === 'access' && identity.familyId) {
          await credentials.revokeCredentials(
            tx,
            { userId: identity.userId, familyId: identity.familyId },
            'logout',
          );
        }
        await credentials.revokeCredentials(tx, { ids: [identity.credentialId] }, 'logout');
        await audit.record(tx, context, {
          userId: identity.userId,
          action: 'auth.logout',
          targetType: AUDIT_TARGET_TYPE_OF_CREDENTIAL[identity.kind],
          targetId: identity.credentialId,
        });
      });
    },

    async getUser(userId: string): Promise<UserRow> {
      const user = await accounts.findUserById(userId);
      if (!user) throw new AppError('not_found');
      return user;
    },

    /** Changes the display name (the only profile field a user edits; the e-mail is the sign-in). */
    async updateProfile(userId: string, changes: { name: string | null }, context: RequestContext) {
      return inTransaction(db, async (tx) => {
        const before = await accounts.findUserById(userId, tx);
        const user = await accounts.updateUserName(userId, changes.name, tx);
        if (!before || !user) throw new AppError('not_found');
        if (before.name !== user.name) {
          await audit.record(tx, context, {
            userId,
            action: 'account.profile_updated',
            targetType: 'user',
            targetId: userId,
            metadata: { fields: ['name'] },
          });
        }
        return user;
      });
    },

    /**
     * Lets another feature clean up what the database cascade cannot reach (files on disk):
     * the hook runs inside the deleting transaction and may schedule work with `tx.afterCommit`.
     */
    onAccountDeletion(hook: AccountDeletionHook): void {
      accountDeletionHooks.push(hook);
    },

    /** Deletes the account; every credential of the user stops working at once (AUTHN-7). */
    async deleteAccount(identity: Identity, password: string, context: RequestContext) {
      const userId = identity.userId;
      await confirmPassword(userId, password, context, {
        field: 'body.password',
        action: 'account.deleted',
        targetType: 'user',
        targetId: userId,
      });
      await inTransaction(db, async (tx) => {
        for (const hook of accountDeletionHooks) await hook(tx, userId);
        await credentials.revokeCredentials(tx, { userId }, 'account_deleted');
        await credentials.invalidateUser(tx, userId);
        await audit.record(tx, context, {
          userId,
          action: 'account.deleted',
          targetType: 'user',
          targetId: userId,
        });
        await accounts.deleteUser(userId, tx);
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
