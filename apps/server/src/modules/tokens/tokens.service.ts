import type { Config } from '../../config.ts';
import { addMs, type Clock, DAY_MS } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { isUniqueViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { iso } from '../../platform/http/schemas.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { RotatedOutUse } from '../../schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit-actions.ts';
import { bearerChallenge } from '../credentials/bearer-challenge.ts';
import type {
  CredentialRow,
  CredentialService,
  PersonalTokenChanges,
} from '../credentials/credentials.service.ts';
import { parseCidrList } from '../credentials/network-policy.ts';
import { canonicalScopes, expandScopes } from '../credentials/scopes.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';
import type { RepoDirectory } from '../repos/repos.service.ts';
import { DEFAULT_OVERLAP_MINUTES, MAX_OVERLAP_MINUTES } from './tokens.schemas.ts';

export const DEFAULT_LIFETIME_DAYS = 30;
/** The least-privilege report's window (ADR 0031). */
export const USAGE_DAYS = 30;

/**
 * The smallest grant, within what is held, that covers the used scopes: `X:write` where a write
 * of X was used, else `X:read` where a read was; in canonical order.
 */
export function leastGrantCovering(held: readonly string[], used: readonly string[]): string[] {
  const covered = expandScopes(held);
  const usedSet = new Set(used);
  const out = new Set<string>();
  for (const scope of usedSet) {
    if (!covered.has(scope)) continue;
    if (scope.endsWith(':read') && usedSet.has(scope.replace(/:read$/, ':write'))) continue;
    out.add(scope);
  }
  return canonicalScopes(out);
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

export interface RotateInput {
  expires_in_days?: number | null;
  overlap?: 'none' | 'until_first_use';
  overlap_deadline_minutes?: number;
}

const SELF_ROTATION_REFUSED =
  'Token management needs an interactive sign-in; this token was not created with allow_self_rotation';

const interactiveCredentialRequired = () =>
  new AppError('interactive_credential_required', `${SELF_ROTATION_REFUSED}.`, {
    headers: {
      'www-authenticate': bearerChallenge('invalid_token', { description: SELF_ROTATION_REFUSED }),
    },
  });

/** The public view of a PAT or automation token (docs/api.md TokenView): never the secret or hash. */
export function tokenView(row: CredentialRow, status: 'active' | 'expired' | 'revoked', now: Date) {
  const overlapRunning =
    status === 'active' &&
    row.previous_token_hash !== null &&
    row.previous_valid_until !== null &&
    row.previous_valid_until.getTime() > now.getTime();
  return {
    id: row.id,
    name: row.name ?? '',
    description: row.description,
    kind: row.kind === 'automation' ? ('automation' as const) : ('personal' as const),
    preview: row.preview,
    scopes: row.scopes,
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    last_used_ip: row.last_used_ip,
    revoked_at: iso(row.revoked_at),
    status,
    old_secret_valid_until: overlapRunning ? iso(row.previous_valid_until) : null,
    on_rotated_out_use: row.on_rotated_out_use,
    allow_self_rotation: row.allow_self_rotation,
    repo_ids: row.repo_ids,
    allowed_cidrs: row.allowed_cidrs,
  };
}

/** The restrictions a create or update may set (ADR 0031); undefined leaves one as it is. */
interface RestrictionInput {
  repo_ids?: string[] | null;
  allowed_cidrs?: string[] | null;
}

export type TokenViewData = ReturnType<typeof tokenView>;

function patSubject(row: { id: string; name: string | null; preview: string }) {
  return { type: 'personal_access_token' as const, id: row.id, name: row.name, preview: row.preview };
}

/** Where a change came from, for the notice: the address and client (names, never a secret). */
function origin(context: RequestContext) {
  return { ip: context.ip, user_agent: context.userAgent };
}

export function createTokenService(deps: {
  db: Db;
  credentials: Pick<
    CredentialService,
    | 'issueCredential'
    | 'revokeCredentials'
    | 'rotateSecret'
    | 'invalidateCredentials'
    | 'statusOf'
    | 'findCredentialById'
    | 'listPersonalTokensForOwner'
    | 'findPersonalTokenForOwner'
    | 'updatePersonalToken'
    | 'listNetworksOfToken'
    | 'sumScopeUsesSince'
  >;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
  config: Pick<Config, 'tokens'>;
  repoDirectory: Pick<RepoDirectory, 'unknownRepoIds'>;
}) {
  const { db, credentials, audit, clock, config, repoDirectory } = deps;
  const view = (row: CredentialRow) => tokenView(row, credentials.statusOf(row), clock.now());

  function expiryFor(expiresInDays: number | null | undefined): Date | null {
    const { maxLifetimeDays, requireExpiry } = config.tokens;
    if (expiresInDays === null) {
      if (requireExpiry) {
        throw new AppError(
          'policy_violation',
          `Tokens must expire: choose expires_in_days between 1 and ${maxLifetimeDays}.`,
        );
      }
      return null;
    }
    const days = expiresInDays ?? Math.min(DEFAULT_LIFETIME_DAYS, maxLifetimeDays);
    if (days > maxLifetimeDays) {
      throw new AppError(
        'policy_violation',
        `expires_in_days may be at most ${maxLifetimeDays} (the server's maximum).`,
      );
    }
    return addMs(clock.now(), days * DAY_MS);
  }

  /**
   * A rotation's default expiry: as long as the current secret was given (from its creation or
   * last rotation to its expiry), counted from now and cut to the policy's maximum. No expiry
   * stays none, unless the policy now requires one: then the maximum.
   */
  function sameLifetimeFromNow(current: CredentialRow): Date | null {
    const { maxLifetimeDays, requireExpiry } = config.tokens;
    const maxMs = maxLifetimeDays * DAY_MS;
    if (current.expires_at === null) return requireExpiry ? addMs(clock.now(), maxMs) : null;
    const issuedAt = current.rotated_at ?? current.created_at;
    const lifetimeMs = current.expires_at.getTime() - issuedAt.getTime();
    return addMs(clock.now(), Math.min(Math.max(lifetimeMs, DAY_MS), maxMs));
  }

  async function findOwned(id: string, ownerId: string) {
    const row = await credentials.findPersonalTokenForOwner(id, ownerId);
    if (!row) throw new AppError('not_found', 'No such token.');
    return row;
  }

  /**
   * Revokes one PAT, audited in its owner's log and told to its owner (`token.revoked` with
   * `notice`), in one transaction; false, with nothing recorded, when it was already revoked.
   */
  async function revokeOne(
    token: CredentialRow,
    reason: string,
    event: { action: AuditAction; metadata: Record<string, unknown> },
    notice: Record<string, unknown>,
    context: RequestContext,
  ): Promise<boolean> {
    return inTransaction(db, async (tx) => {
      const revoked = await credentials.revokeCredentials(tx, { ids: [token.id] }, reason);
      if (revoked.length === 0) return false;
      await audit.record(tx, context, {
        userId: token.user_id,
        action: event.action,
        targetType: 'personal_access_token',
        targetId: token.id,
        metadata: event.metadata,
      });
      await enqueueNotice(tx, {
        userId: token.user_id,
        kind: 'token.revoked',
        subject: patSubject(token),
        data: notice,
        at: clock.now(),
      });
      return true;
    });
  }

  /** When the old secret stops at the latest: now (no overlap) or the overlap's deadline. */
  function overlapUntil(input: RotateInput, status: 'active' | 'expired' | 'revoked'): Date | undefined {
    const overlap = input.overlap ?? 'none';
    if (overlap === 'none') {
      if (input.overlap_deadline_minutes !== undefined) {
        throw new AppError('invalid_request', 'overlap_deadline_minutes needs overlap "until_first_use".');
      }
      return undefined;
    }
    // An expired secret is not brought back to life for the overlap.
    if (status !== 'active') return undefined;
    const minutes = input.overlap_deadline_minutes ?? DEFAULT_OVERLAP_MINUTES;
    return addMs(clock.now(), Math.min(minutes, MAX_OVERLAP_MINUTES) * 60_000);
  }

  function rotate(
    current: CredentialRow,
    expiresAt: Date | null,
    oldSecretValidUntil: Date | undefined,
    action: 'token.rotated' | 'token.self_rotated',
    context: RequestContext,
  ) {
    const wasExpired = credentials.statusOf(current) === 'expired';
    return inTransaction(db, async (tx) => {
      const rotated = await credentials.rotateSecret(tx, current, expiresAt, oldSecretValidUntil);
      if (!rotated) throw new AppError('policy_violation', 'A revoked token cannot be rotated.');
      await audit.record(tx, context, {
        userId: current.user_id,
        action,
        targetType: 'personal_access_token',
        targetId: current.id,
        metadata: {
          name: current.name,
          was_expired: wasExpired,
          previous_expires_at: iso(current.expires_at),
          expires_at: iso(expiresAt),
          overlap: oldSecretValidUntil ? 'until_first_use' : 'none',
          old_secret_valid_until: iso(oldSecretValidUntil ?? null),
        },
      });
      await enqueueNotice(tx, {
        userId: current.user_id,
        kind: 'token.rotated',
        subject: patSubject(rotated.credential),
        data: {
          was_expired: wasExpired,
          expires_at: iso(expiresAt),
          ...(oldSecretValidUntil ? { old_secret_valid_until: iso(oldSecretValidUntil) } : {}),
          ...(action === 'token.self_rotated' ? { by: 'self' } : {}),
          ...origin(context),
        },
        at: clock.now(),
      });
      return { token: view(rotated.credential), secret: rotated.token };
    });
  }

  /**
   * Checks and canonicalises restrictions: repository ids must name the owner's repositories and
   * need a repos:* or tasks:* scope; CIDRs must parse (written back in canonical form).
   */
  async function checkRestrictions(ownerId: string, scopes: readonly string[], input: RestrictionInput) {
    const out: { repo_ids?: string[] | null; allowed_cidrs?: string[] | null } = {};
    if (input.repo_ids !== undefined) {
      if (input.repo_ids !== null) {
        if (!scopes.some((scope) => scope.startsWith('repos:') || scope.startsWith('tasks:'))) {
          throw new AppError(
            'policy_violation',
            'repo_ids limits repos:* and tasks:* scopes; this token holds neither.',
          );
        }
        const repoIds = input.repo_ids;
        const unknown = await repoDirectory.unknownRepoIds(ownerId, repoIds);
        if (unknown.length > 0) {
          throw new AppError('invalid_request', 'repo_ids names repositories you have not connected.', {
            errors: unknown.map((id) => ({
              path: `body.repo_ids.${repoIds.indexOf(id)}`,
              message: 'no such repository',
            })),
          });
        }
      }
      out.repo_ids = input.repo_ids;
    }
    if (input.allowed_cidrs !== undefined) {
      if (input.allowed_cidrs === null) out.allowed_cidrs = null;
      else {
        const cidrs = input.allowed_cidrs;
        const parsed = parseCidrList(cidrs);
        if ('invalid' in parsed) {
          throw new AppError('invalid_request', 'allowed_cidrs holds entries that are not CIDRs.', {
            errors: parsed.invalid.map((entry) => ({
              path: `body.allowed_cidrs.${cidrs.indexOf(entry)}`,
              message: 'expected an IPv4 or IPv6 CIDR such as 203.0.113.0/24',
            })),
          });
        }
        out.allowed_cidrs = parsed.cidrs;
      }
    }
    return out;
  }

  const nameTaken = () => new AppError('conflict', 'You already have an active token with this name.');

  return {
    policy() {
      return {
        max_lifetime_days: config.tokens.maxLifetimeDays,
        require_expiry: config.tokens.requireExpiry,
        default_lifetime_days: Math.min(DEFAULT_LIFETIME_DAYS, config.tokens.maxLifetimeDays),
        max_overlap_minutes: MAX_OVERLAP_MINUTES,
      };
    },

    async listTokens(ownerId: string, state: 'active' | 'inactive' | 'all') {
      const rows = await credentials.listPersonalTokensForOwner(ownerId);
      return rows
        .map(view)
        .filter(
          (t) => state === 'all' || (state === 'active' ? t.status === 'active' : t.status !== 'active'),
        );
    },

    async getToken(id: string, ownerId: string) {
      return view(await findOwned(id, ownerId));
    },

    /** The networks the token was used from (ADR 0031). */
    async listTokenNetworks(id: string, ownerId: string) {
      await findOwned(id, ownerId);
      const rows = await credentials.listNetworksOfToken(id);
      return rows.map((row) => ({
        network: row.network,
        first_seen_at: iso(row.first_seen_at),
        last_seen_at: iso(row.last_seen_at),
        last_ip: row.last_ip,
        uses: row.uses,
      }));
    },

    /** Granted versus used in the last 30 days, and the smallest grant covering the use (ADR 0031). */
    async tokenUsage(id: string, ownerId: string) {
      const row = await findOwned(id, ownerId);
      const since = new Date(clock.now().getTime() - (USAGE_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
      const used = (await credentials.sumScopeUsesSince(id, since))
        .map((u) => ({ scope: u.scope, uses: Number(u.uses), last_used_on: u.last_used_on }))
        .sort((a, b) => a.scope.localeCompare(b.scope));
      const suggested = leastGrantCovering(
        row.scopes,
        used.map((u) => u.scope),
      );
      const granted = expandScopes(row.scopes);
      const reducible =
        suggested.length > 0 &&
        (expandScopes(suggested).size < granted.size ||
          [...granted].some((scope) => !expandScopes(suggested).has(scope)));
      return { days: USAGE_DAYS, since, granted: row.scopes, used, suggested_scopes: suggested, reducible };
    },

    async createToken(
      ownerId: string,
      input: {
        name: string;
        description?: string | null;
        scopes: string[];
        expires_in_days?: number | null;
        allow_self_rotation?: boolean;
        on_rotated_out_use?: RotatedOutUse;
      } & RestrictionInput,
      context: RequestContext,
    ) {
      const expiresAt = expiryFor(input.expires_in_days);
      const restrictions = await checkRestrictions(ownerId, input.scopes, input);
      const allowSelfRotation = input.allow_self_rotation ?? false;
      // A token that rotates itself is the one a thief could rotate away from its owner: there,
      // an old secret coming back means someone else holds the token (ADR 0030).
      const onRotatedOutUse = input.on_rotated_out_use ?? (allowSelfRotation ? 'revoke' : 'notify');
      try {
        return await inTransaction(db, async (tx) => {
          const { token, credential } = await credentials.issueCredential(tx, {
            userId: ownerId,
            kind: 'personal',
            name: input.name.trim(),
            description: input.description ?? null,
            scopes: input.scopes,
            expiresAt,
            allowSelfRotation,
            onRotatedOutUse,
            repoIds: restrictions.repo_ids ?? null,
            allowedCidrs: restrictions.allowed_cidrs ?? null,
          });
          await audit.record(tx, context, {
            userId: ownerId,
            action: 'token.created',
            targetType: 'personal_access_token',
            targetId: credential.id,
            metadata: {
              name: credential.name,
              scopes: credential.scopes,
              expires_at: iso(expiresAt),
              allow_self_rotation: allowSelfRotation,
              on_rotated_out_use: onRotatedOutUse,
              ...(credential.repo_ids ? { repo_ids: credential.repo_ids } : {}),
              ...(credential.allowed_cidrs ? { allowed_cidrs: credential.allowed_cidrs } : {}),
            },
          });
          await enqueueNotice(tx, {
            userId: ownerId,
            kind: 'token.created',
            subject: patSubject(credential),
            data: { scopes: credential.scopes, expires_at: iso(expiresAt), ...origin(context) },
            at: clock.now(),
          });
          return { token: view(credential), secret: token };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken();
        throw error;
      }
    },

    async updateToken(id: string, ownerId: string, changes: PersonalTokenChanges, context: RequestContext) {
      const current = await findOwned(id, ownerId);
      const restrictions = await checkRestrictions(ownerId, changes.scopes ?? current.scopes, changes);
      if (current.revoked_at) throw new AppError('policy_violation', 'A revoked token cannot be changed.');
      if (changes.scopes) {
        const held = expandScopes(current.scopes);
        const widened = [...expandScopes(changes.scopes)].filter((scope) => !held.has(scope));
        if (widened.length > 0) {
          throw new AppError(
            'policy_violation',
            `Scopes may only shrink; create a new token to add ${widened.join(', ')}.`,
          );
        }
      }
      const update = {
        ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.scopes !== undefined ? { scopes: changes.scopes } : {}),
        ...(changes.on_rotated_out_use !== undefined
          ? { on_rotated_out_use: changes.on_rotated_out_use }
          : {}),
        ...(changes.allow_self_rotation !== undefined
          ? { allow_self_rotation: changes.allow_self_rotation }
          : {}),
        ...restrictions,
      };
      try {
        return await inTransaction(db, async (tx) => {
          const row = await credentials.updatePersonalToken(tx, id, ownerId, update);
          if (!row) throw new AppError('not_found', 'No such token.');
          const events: Array<[AuditAction, Record<string, unknown>]> = [];
          if (update.name !== undefined && update.name !== current.name) {
            events.push(['token.renamed', { from: current.name, to: update.name }]);
          }
          if (update.scopes !== undefined && update.scopes.join() !== current.scopes.join()) {
            events.push(['token.scopes_reduced', { from: current.scopes, to: update.scopes }]);
          }
          if (update.description !== undefined && update.description !== current.description) {
            events.push(['token.description_changed', {}]);
          }
          const rotationSettingsChanged =
            (update.on_rotated_out_use !== undefined &&
              update.on_rotated_out_use !== current.on_rotated_out_use) ||
            (update.allow_self_rotation !== undefined &&
              update.allow_self_rotation !== current.allow_self_rotation);
          if (rotationSettingsChanged) {
            events.push([
              'token.rotation_settings_changed',
              { on_rotated_out_use: row.on_rotated_out_use, allow_self_rotation: row.allow_self_rotation },
            ]);
          }
          if (update.repo_ids !== undefined && !sameList(update.repo_ids, current.repo_ids)) {
            events.push(['token.repositories_changed', { from: current.repo_ids, to: update.repo_ids }]);
          }
          if (update.allowed_cidrs !== undefined && !sameList(update.allowed_cidrs, current.allowed_cidrs)) {
            events.push([
              'token.networks_changed',
              { from: current.allowed_cidrs, to: update.allowed_cidrs },
            ]);
          }
          for (const [action, metadata] of events) {
            await audit.record(tx, context, {
              userId: ownerId,
              action,
              targetType: 'personal_access_token',
              targetId: id,
              metadata,
            });
          }
          // Narrowed scopes and changed restrictions must bind at once: the cached verification
          // still holds the old ones (and the replay choice, which the verifier acts on).
          if (
            update.scopes !== undefined ||
            update.on_rotated_out_use !== undefined ||
            update.repo_ids !== undefined ||
            update.allowed_cidrs !== undefined
          )
            await credentials.invalidateCredentials(tx, [id]);
          return view(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken();
        throw error;
      }
    },

    /**
     * A new secret with the same name, description and scopes; the old secret stops working at
     * once. The new expiry is chosen like a new token's and counted from now, so a token can never
     * outlive the policy by being rotated; an expired token may be regenerated this way (as on
     * GitHub), audited as such. A revoked one cannot (ADR 0014).
     */
    async rotateToken(id: string, ownerId: string, input: RotateInput, context: RequestContext) {
      const current = await findOwned(id, ownerId);
      if (current.revoked_at) throw new AppError('policy_violation', 'A revoked token cannot be rotated.');
      const expiresAt =
        input.expires_in_days === undefined ? sameLifetimeFromNow(current) : expiryFor(input.expires_in_days);
      return rotate(
        current,
        expiresAt,
        overlapUntil(input, credentials.statusOf(current)),
        'token.rotated',
        context,
      );
    },

    /**
     * A PAT created with `allow_self_rotation` rotating itself (ADR 0030): the one management
     * action a PAT can take. Same scopes and settings; the lifetime it had, from now, within the
     * policy; the old secret works until the new one is first used or the deadline. Anything else
     * presenting here is refused as on every interactive route.
     */
    async selfRotateToken(
      identity: { credentialId: string; kind: string },
      input: { overlap_deadline_minutes?: number },
      context: RequestContext,
    ) {
      if (identity.kind !== 'personal' && identity.kind !== 'automation') {
        throw new AppError('not_found', 'The presenting credential is not a personal access token.');
      }
      const current = await credentials.findCredentialById(identity.credentialId);
      if (!current || current.kind !== 'personal' || !current.allow_self_rotation) {
        throw interactiveCredentialRequired();
      }
      // A request with the new secret has already ended any overlap; one that finds it running
      // presented the old secret, which is on its way out and may not start another rotation.
      if (current.previous_valid_until && current.previous_valid_until.getTime() > clock.now().getTime()) {
        throw new AppError('conflict', 'A rotation of this token is in progress: use its new secret.');
      }
      const until = overlapUntil({ overlap: 'until_first_use', ...input }, 'active');
      return rotate(current, sameLifetimeFromNow(current), until, 'token.self_rotated', context);
    },

    /** The presenting PAT or automation token (`GET /api/tokens/self`); any other credential: 404. */
    async getPresentingToken(identity: { credentialId: string; kind: string }) {
      const row =
        identity.kind === 'personal' || identity.kind === 'automation'
          ? await credentials.findCredentialById(identity.credentialId)
          : undefined;
      if (!row) {
        throw new AppError(
          'not_found',
          'The presenting credential is not a personal access or automation token.',
        );
      }
      return view(row);
    },

    async revokeToken(id: string, ownerId: string, context: RequestContext) {
      const current = await findOwned(id, ownerId);
      await revokeOne(
        current,
        'revoked_by_user',
        { action: 'token.revoked', metadata: { name: current.name } },
        { by: 'owner', ...origin(context) },
        context,
      );
    },

    /**
     * An operator's revocation (`npm run admin:revoke`, ADR 0036): any user's PAT, by id. Audited
     * in the owner's security log with actor kind `operator`, and the owner is told (`by: admin`).
     * Returns the token as it was, or undefined when no PAT has that id; a token already revoked
     * is left as it is (`revoked: false`).
     */
    async revokeTokenAsOperator(
      id: string,
      input: { operator: string; reason: string | null },
      context: RequestContext,
    ) {
      const current = await credentials.findCredentialById(id);
      if (!current || current.kind !== 'personal') return undefined;
      const revoked = await revokeOne(
        current,
        'revoked_by_operator',
        {
          action: 'token.revoked_by_operator',
          metadata: { name: current.name, operator: input.operator, reason: input.reason },
        },
        { by: 'admin', ...(input.reason ? { reason: input.reason } : {}) },
        context,
      );
      return { token: current, revoked };
    },

    async revokeAllTokens(ownerId: string, context: RequestContext) {
      return inTransaction(db, async (tx) => {
        const revoked = await credentials.revokeCredentials(
          tx,
          { userId: ownerId, kinds: ['personal'] },
          'revoked_by_user',
        );
        await audit.record(tx, context, {
          userId: ownerId,
          action: 'token.revoked_all',
          targetType: 'user',
          targetId: ownerId,
          metadata: { count: revoked.length },
        });
        for (const token of revoked) {
          await enqueueNotice(tx, {
            userId: ownerId,
            kind: 'token.revoked',
            subject: patSubject(token),
            data: { by: 'revoke_all', ...origin(context) },
            at: clock.now(),
          });
        }
        return revoked.length;
      });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
