import type { Static } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { iso } from '../../platform/http/schemas.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AccountService, ConfirmationPurpose } from '../accounts/accounts.service.ts';
import { hashPassword, isCommonPassword } from '../accounts/password.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit-actions.ts';
import type { CredentialService, RevokedCredential } from '../credentials/credentials.service.ts';
import type { InteractiveIdentity } from '../credentials/identity.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';
import type { OpenGrantService } from '../oauth/open-grants.ts';
import type { SessionView } from './sessions.schemas.ts';

type SessionViewData = Static<typeof SessionView>;

const APP_TOKEN_KINDS = ['access', 'refresh'] as const;

/** 400 on one body member: a wrong password is a mistake in the form, not a sign-out (ADR 0012). */
function fieldError(path: string, message: string, detail: string, code?: string): AppError {
  return new AppError('invalid_request', detail, { errors: [{ path, message, ...(code ? { code } : {}) }] });
}

/** The caller's own sign-in: its web session, or its app sign-in (the access token's family). */
function ownSignIn(identity: InteractiveIdentity): { sessionId?: string; familyId?: string } {
  if (identity.kind === 'session') return { sessionId: identity.credentialId };
  if (identity.kind === 'access' && identity.familyId) return { familyId: identity.familyId };
  return {};
}

/**
 * Sessions and devices: the user's web sessions and app sign-ins, ending them, and changing
 * the password (which ends every sign-in but the caller's). PATs and automation tokens are not
 * sign-ins and are never touched here.
 */
export function createSessionService(deps: {
  db: Db;
  credentials: Pick<
    CredentialService,
    | 'revokeCredentials'
    | 'listLiveWebSessionsForOwner'
    | 'listLiveAppSignInsForOwner'
    | 'findLiveSignInTypeForOwner'
  >;
  accounts: Pick<AccountService, 'confirmPassword' | 'replacePasswordHash'>;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
  /** Codes approved but not yet redeemed: they would become new sign-ins afterwards. */
  openGrants: Pick<OpenGrantService, 'denyOpenGrants'>;
}) {
  const { db, credentials, accounts, audit, clock, openGrants } = deps;

  /** How many live sign-ins a revocation ended: sessions one each, app tokens one per family. */
  function countSignIns(revoked: RevokedCredential[]): number {
    const now = clock.now().getTime();
    const live = revoked.filter((row) => row.expires_at === null || row.expires_at.getTime() > now);
    const families = new Set(live.filter((row) => row.kind !== 'session').map((row) => row.family_id));
    return live.filter((row) => row.kind === 'session').length + families.size;
  }

  /**
   * Revokes every web session and app sign-in of the user except the caller's own, and denies
   * the OAuth codes approved but not yet redeemed, which would otherwise become sign-ins later.
   */
  async function endOtherSignIns(tx: Tx, identity: InteractiveIdentity, reason: string): Promise<number> {
    const own = ownSignIn(identity);
    await openGrants.denyOpenGrants(tx, identity.userId);
    const webSessions = await credentials.revokeCredentials(
      tx,
      {
        userId: identity.userId,
        kinds: ['session'],
        ...(own.sessionId ? { exceptIds: [own.sessionId] } : {}),
      },
      reason,
    );
    const appTokens = await credentials.revokeCredentials(
      tx,
      {
        userId: identity.userId,
        kinds: [...APP_TOKEN_KINDS],
        ...(own.familyId ? { exceptFamilyId: own.familyId } : {}),
      },
      reason,
    );
    return countSignIns([...webSessions, ...appTokens]);
  }

  /**
   * Re-authentication (SESS-7, PWD-8): the user's password, through the accounts' one throttled,
   * audited confirmation. A wrong one is audited as a failure of `action` and answered at `field`.
   */
  async function requirePassword(
    identity: InteractiveIdentity,
    password: string | undefined,
    context: RequestContext,
    purpose: ConfirmationPurpose,
  ) {
    if (password === undefined) {
      throw fieldError(
        purpose.field,
        'is required to end another sign-in',
        'Confirm your password to end another sign-in.',
      );
    }
    await accounts.confirmPassword(identity.userId, password, context, purpose);
  }

  /** A change to the account itself (its sign-ins, its password), confirmed with the password in `field`. */
  function userChange(
    identity: InteractiveIdentity,
    field: string,
    action: AuditAction,
  ): ConfirmationPurpose {
    return { field, action, targetType: 'user', targetId: identity.userId };
  }

  /** The audit event of a change a password confirms: the purpose's action and target. */
  function recordChange(
    tx: Tx,
    identity: InteractiveIdentity,
    context: RequestContext,
    purpose: ConfirmationPurpose,
    metadata: Record<string, unknown>,
  ) {
    return audit.record(tx, context, {
      userId: identity.userId,
      action: purpose.action,
      targetType: purpose.targetType,
      targetId: purpose.targetId,
      metadata,
    });
  }

  return {
    async listSessions(identity: InteractiveIdentity): Promise<SessionViewData[]> {
      const now = clock.now();
      const own = ownSignIn(identity);
      const [web, apps] = await Promise.all([
        credentials.listLiveWebSessionsForOwner(identity.userId, now),
        credentials.listLiveAppSignInsForOwner(identity.userId, now),
      ]);
      const views: SessionViewData[] = [
        ...web.map((row) => ({
          id: row.id,
          type: 'web' as const,
          client_id: null,
          user_agent: row.user_agent,
          created_at: iso(row.created_at),
          last_used_at: iso(row.last_used_at),
          last_used_ip: row.last_used_ip,
          // Safe: the query keeps only sessions whose expires_at is after now.
          expires_at: iso(row.expires_at)!,
          current: row.id === own.sessionId,
        })),
        ...apps.map((row) => ({
          id: row.family_id,
          type: 'app' as const,
          client_id: row.client_id,
          user_agent: row.user_agent,
          created_at: iso(row.signed_in_at ?? row.refreshed_at),
          last_used_at: iso(row.last_used_at),
          last_used_ip: row.last_used_ip,
          // Safe: the query keeps only refresh tokens whose expires_at is after now.
          expires_at: iso(row.expires_at)!,
          current: row.family_id === own.familyId,
        })),
      ];
      const activity = (view: SessionViewData) => Date.parse(view.last_used_at ?? view.created_at);
      return views.sort((a, b) => activity(b) - activity(a) || (a.id < b.id ? -1 : 1));
    },

    /**
     * Ends one web session or one app sign-in (the refresh token and its access tokens). Ending
     * someone else's, or an unknown id, is 404; ending another of one's own needs the password.
     * Returns whether the caller ended its own sign-in (and is now signed out).
     */
    async revokeSession(
      identity: InteractiveIdentity,
      id: string,
      password: string | undefined,
      context: RequestContext,
    ): Promise<{ endedOwn: boolean }> {
      const type = await credentials.findLiveSignInTypeForOwner(id, identity.userId, clock.now());
      if (!type) throw new AppError('not_found', 'No such session.');
      const own = ownSignIn(identity);
      const endedOwn = id === (type === 'web' ? own.sessionId : own.familyId);
      const purpose: ConfirmationPurpose = {
        field: 'body.password',
        action: 'session.revoked',
        targetType: type === 'web' ? 'session' : 'token_family',
        targetId: id,
      };
      if (!endedOwn) await requirePassword(identity, password, context, purpose);
      await inTransaction(db, async (tx) => {
        const revoked = await credentials.revokeCredentials(
          tx,
          type === 'web'
            ? { ids: [id], userId: identity.userId, kinds: ['session'] }
            : { familyId: id, userId: identity.userId, kinds: [...APP_TOKEN_KINDS] },
          'revoked_by_user',
        );
        // Ended meanwhile (a concurrent revocation or sign-out): as gone as an unknown id.
        if (revoked.length === 0) throw new AppError('not_found', 'No such session.');
        await recordChange(tx, identity, context, purpose, { type, current: endedOwn });
      });
      return { endedOwn };
    },

    /** "Sign out everywhere else": ends every web session and app sign-in but the caller's. */
    async revokeOtherSessions(
      identity: InteractiveIdentity,
      password: string,
      context: RequestContext,
    ): Promise<number> {
      const purpose = userChange(identity, 'body.password', 'session.revoked_others');
      await requirePassword(identity, password, context, purpose);
      return inTransaction(db, async (tx) => {
        const count = await endOtherSignIns(tx, identity, 'signed_out_elsewhere');
        await recordChange(tx, identity, context, purpose, { count });
        return count;
      });
    },

    /**
     * Changes the password (PWD-8): the current one must be right; the new one follows the
     * sign-up rules. Every other sign-in ends in the same transaction; the caller's stays, and
     * so do PATs and automation tokens, which are not sign-ins (ADR 0012).
     */
    async changePassword(
      identity: InteractiveIdentity,
      input: { current_password: string; new_password: string },
      context: RequestContext,
    ): Promise<{ revoked: number }> {
      // Checks on the input alone come first, so that a typo does not spend a throttled attempt.
      if (input.new_password === input.current_password) {
        throw fieldError(
          'body.new_password',
          'must differ from the current password',
          'Choose a password different from the current one.',
          'same_as_current',
        );
      }
      if (isCommonPassword(input.new_password)) {
        throw fieldError(
          'body.new_password',
          'is too common',
          'This password is too common; choose another.',
          'too_common',
        );
      }
      const purpose = userChange(identity, 'body.current_password', 'password.changed');
      await requirePassword(identity, input.current_password, context, purpose);
      const passwordHash = await hashPassword(input.new_password);
      return inTransaction(db, async (tx) => {
        await accounts.replacePasswordHash(tx, identity.userId, passwordHash);
        const revoked = await endOtherSignIns(tx, identity, 'password_changed');
        await recordChange(tx, identity, context, purpose, { revoked_sessions: revoked });
        await enqueueNotice(tx, {
          userId: identity.userId,
          kind: 'password.changed',
          subject: { type: 'user', id: identity.userId },
          data: { revoked_sessions: revoked, ip: context.ip, user_agent: context.userAgent },
          at: clock.now(),
        });
        return { revoked };
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
