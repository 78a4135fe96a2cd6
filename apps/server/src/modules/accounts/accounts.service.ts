import type { Config } from '../../config.ts';
import { addMs, type Clock } from '../../platform/clock.ts';
import type { CounterStore } from '../../platform/counter-store.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Identity } from '../credentials/authenticate-request.ts';
import { type CredentialService, SESSION_LIFETIME_MS } from '../credentials/credentials.service.ts';
import type { AccountRepository, UserRow } from './accounts.repository.ts';
import { hashPassword, isCommonPassword, needsRehash, verifyPassword } from './password.ts';

const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Unique-constraint violations, in both pg and PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
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

  async function throttleKey(email: string) {
    return `sign-in-failures:${email}`;
  }

  /** 429 (audited) once the account has had too many failed password checks in the window (PWD-7). */
  async function refuseIfThrottled(
    key: string,
    context: RequestContext,
    findUserId: () => Promise<string | null>,
  ): Promise<void> {
    const failures = await counters.peek(key);
    if (failures.count < config.rateLimits.signInFailuresPerAccount) return;
    await audit.record(undefined, context, {
      userId: await findUserId(),
      action: 'auth.throttled',
      outcome: 'failure',
      metadata: { reason: 'too_many_failures' },
    });
    throw new AppError('rate_limited', 'Too many failed sign-ins for this account; try again later.', {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(failures.resetInMs / 1000))) },
    });
  }

  /** Checks e-mail and password; shared by web sign-in and the OAuth password grant. */
  async function authenticatePassword(
    emailInput: string,
    password: string,
    context: RequestContext,
  ): Promise<UserRow> {
    const email = normalizeEmail(emailInput);
    const key = await throttleKey(email);
    await refuseIfThrottled(key, context, async () => (await accounts.findUserByEmail(email))?.id ?? null);
    const user = await accounts.findUserByEmail(email);
    const valid = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
    if (!user || !valid || user.disabled_at) {
      await counters.increment(key, FAILURE_WINDOW_MS);
      await audit.record(undefined, context, {
        userId: user?.id ?? null,
        action: 'auth.login',
        outcome: 'failure',
        metadata: { reason: user ? 'wrong_password' : 'unknown_email' },
      });
      throw new AppError('invalid_credentials', 'The e-mail or password is not right.');
    }
    await counters.reset(key);
    if (needsRehash(user.password_hash)) {
      await accounts.updatePasswordHash(user.id, await hashPassword(password));
    }
    return user;
  }

  return {
    authenticatePassword,

    /**
     * Re-authentication of a signed-in user (changing the password, ending other sessions): false
     * for a wrong password. Failures count towards the same per-account throttle as sign-in, so a
     * stolen session cannot be used to guess the password; once it trips, 429.
     */
    async confirmPassword(userId: string, password: string, context: RequestContext): Promise<boolean> {
      const user = await accounts.findUserById(userId);
      if (!user) throw new AppError('not_found');
      const key = await throttleKey(user.email);
      await refuseIfThrottled(key, context, async () => user.id);
      if (!(await verifyPassword(user.password_hash, password))) {
        await counters.increment(key, FAILURE_WINDOW_MS);
        return false;
      }
      await counters.reset(key);
      return true;
    },

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
        const session = await credentials.issueCredential(tx, {
          userId: user.id,
          kind: 'session',
          expiresAt: addMs(clock.now(), SESSION_LIFETIME_MS),
          userAgent: context.userAgent,
        });
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
    async logOut(identity: Identity, context: RequestContext) {
      await inTransaction(db, async (tx) => {
        if (identity.familyId) {
          await credentials.revokeCredentials(tx, { familyId: identity.familyId }, 'logout');
        }
        await credentials.revokeCredentials(tx, { ids: [identity.credentialId] }, 'logout');
        await audit.record(tx, context, {
          userId: identity.userId,
          action: 'auth.logout',
          targetType: identity.kind,
          targetId: identity.credentialId,
        });
      });
    },

    async getUser(userId: string): Promise<UserRow> {
      const user = await accounts.findUserById(userId);
      if (!user) throw new AppError('not_found');
      return user;
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
      const user = await accounts.findUserById(identity.userId);
      if (!user || !(await verifyPassword(user.password_hash, password))) {
        throw new AppError('invalid_credentials', 'The password is not right.');
      }
      await inTransaction(db, async (tx) => {
        for (const hook of accountDeletionHooks) await hook(tx, user.id);
        await credentials.revokeCredentials(tx, { userId: user.id }, 'account_deleted');
        await credentials.invalidateUser(tx, user.id);
        await audit.record(tx, context, {
          userId: user.id,
          action: 'account.deleted',
          targetType: 'user',
          targetId: user.id,
        });
        await accounts.deleteUser(user.id, tx);
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
