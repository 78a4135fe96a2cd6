import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { iso } from '../../platform/http/schemas.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { TokenService, TokenViewData } from '../tokens/tokens.service.ts';

/** What the registry's PAT has: full access to the agents API (agents:write implies agents:read). */
export const REGISTRY_PAT_SCOPES = ['agents:read', 'agents:write'];

function patInfo(token: TokenViewData | undefined) {
  return {
    has_pat: token !== undefined,
    created_at: token?.created_at ?? null,
    last_used: token?.last_used_at ?? null,
    pat_preview: token?.preview ?? null,
    token_id: token?.id ?? null,
    expires_at: token?.expires_at ?? null,
  };
}

/**
 * The registry-v1 adapters: each one is a call into the account or token service, so creation,
 * revocation, policy and audit follow the one code path of `/api/account/tokens` (ADR 0018).
 */
export function createRegistryUserService(deps: {
  accountService: Pick<AccountService, 'getUser' | 'updateProfile'>;
  tokenService: Pick<TokenService, 'listTokens' | 'createToken' | 'revokeToken'>;
  config: Pick<Config, 'tokens'>;
  clock: Clock;
}) {
  const { accountService, tokenService, config, clock } = deps;

  const profileView = (user: Awaited<ReturnType<AccountService['getUser']>>) => ({
    user_id: user.id,
    email: user.email,
    name: user.name,
    created_at: iso(user.created_at),
  });

  /** The token `GET /users/pat` describes and `DELETE /users/pat/revoke` revokes: the newest active PAT. */
  async function newestActivePat(userId: string) {
    const [newest] = await tokenService.listTokens(userId, 'active');
    return newest;
  }

  return {
    async getProfile(userId: string) {
      return profileView(await accountService.getUser(userId));
    },

    async updateProfile(userId: string, changes: { name: string | null }, context: RequestContext) {
      const name = changes.name === null ? null : changes.name.trim();
      return profileView(await accountService.updateProfile(userId, { name }, context));
    },

    async describePat(userId: string) {
      return patInfo(await newestActivePat(userId));
    },

    async generatePat(userId: string, context: RequestContext) {
      const { maxLifetimeDays, requireExpiry } = config.tokens;
      const created = await tokenService.createToken(
        userId,
        {
          // Unique among active tokens (a name clash would be a 409): the creation instant, to the ms.
          name: `registry-pat-${clock.now().toISOString()}`,
          description: 'Generated with POST /api/users/pat/generate',
          scopes: REGISTRY_PAT_SCOPES,
          // The registry's PATs never expire; an operator who requires expiry gets the longest allowed.
          expires_in_days: requireExpiry ? maxLifetimeDays : null,
        },
        context,
      );
      return { pat: created.secret, pat_info: patInfo(created.token) };
    },

    async revokePat(userId: string, context: RequestContext) {
      const newest = await newestActivePat(userId);
      if (!newest) throw new AppError('not_found', 'You have no active personal access token to revoke.');
      await tokenService.revokeToken(newest.id, userId, context);
      return { token_id: newest.id, pat_preview: newest.preview };
    },
  };
}

export type RegistryUserService = ReturnType<typeof createRegistryUserService>;
