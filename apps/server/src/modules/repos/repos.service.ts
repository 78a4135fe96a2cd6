import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { mayUseRepo, type RepoActor, repoLimitOf } from '../credentials/identity.ts';
import type { ProviderAccountService } from '../provider-accounts/provider-accounts.service.ts';
import { recordAutomationTokenRevoked } from './automation-token-events.ts';
import type { RepoRepository, RepoRow } from './repos.repository.ts';

export const repoNotFound = () => new AppError('not_found', 'There is no such repository.');

/** Who reads repositories: the user, and the repositories a restricted PAT is limited to. */
export type RepoCaller = RepoActor;

/**
 * What the tokens feature asks about repositories (a PAT's repository list must name the
 * owner's own repositories): the repos module owns the query.
 */
export function createRepoDirectory(repos: Pick<RepoRepository, 'filterOwnedRepoIds'>) {
  return {
    /** The ids among `ids` that are not repositories of the user. */
    async unknownRepoIds(userId: string, ids: string[]): Promise<string[]> {
      const owned = new Set(await repos.filterOwnedRepoIds(userId, ids));
      return ids.filter((id) => !owned.has(id));
    },
  };
}
export type RepoDirectory = ReturnType<typeof createRepoDirectory>;

export function createRepoService(deps: {
  db: Db;
  repos: RepoRepository;
  providerAccounts: Pick<ProviderAccountService, 'describeRepository'>;
  credentials: Pick<
    CredentialService,
    'revokeCredentials' | 'listAutomationTokensOfRepo' | 'findAutomationTokenOfRepo'
  >;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, repos, providerAccounts, credentials, audit, clock } = deps;

  async function findOwned(userId: string, id: string): Promise<RepoRow> {
    const repo = await repos.findRepoForOwner(id, userId);
    if (!repo) throw repoNotFound();
    return repo;
  }

  return {
    /** Connects a repository the user's provider account can see, as the provider describes it. */
    async connectRepo(
      userId: string,
      input: { provider_account_id: string; full_name: string },
      context: RequestContext,
    ): Promise<RepoRow> {
      const described = await providerAccounts.describeRepository(
        userId,
        input.provider_account_id,
        input.full_name,
        context,
      );
      try {
        return await inTransaction(db, async (tx) => {
          const repo = await repos.insertRepo(
            {
              id: newId('repo'),
              user_id: userId,
              provider_account_id: input.provider_account_id,
              provider: described.provider,
              full_name: described.full_name,
              private: described.private,
              default_branch: described.default_branch,
              created_at: clock.now(),
            },
            tx,
          );
          await audit.record(tx, context, {
            userId,
            action: 'repo.connected',
            targetType: 'repo',
            targetId: repo.id,
            metadata: {
              provider: repo.provider,
              full_name: repo.full_name,
              provider_account_id: input.provider_account_id,
            },
          });
          return repo;
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError(
            'conflict',
            `${described.full_name} is already connected through this provider account.`,
          );
        }
        // The provider account was deleted while the provider was being asked (issue #18).
        if (isForeignKeyViolation(error)) {
          throw new AppError('not_found', 'There is no such provider account.');
        }
        throw error;
      }
    },

    /** The caller's repositories; a PAT limited to some sees only those (ADR 0031). */
    listRepos(caller: RepoCaller): Promise<RepoRow[]> {
      return repos.listReposForOwner(caller.userId, repoLimitOf(caller));
    },

    /** One repository of the caller; outside a restricted PAT's list it does not exist (404). */
    async getRepo(caller: RepoCaller, id: string): Promise<RepoRow> {
      if (!mayUseRepo(caller, id)) throw repoNotFound();
      return findOwned(caller.userId, id);
    },

    /** Disconnects a repository: every automation token of its task groups stops working at once. */
    async deleteRepo(userId: string, id: string, context: RequestContext): Promise<void> {
      await inTransaction(db, async (tx) => {
        const repo = await repos.findRepoForOwner(id, userId, tx, { lock: true });
        if (!repo) throw repoNotFound();
        const tokens = await credentials.listAutomationTokensOfRepo(tx, id, userId);
        const revoked = await credentials.revokeCredentials(
          tx,
          { ids: tokens.map((t) => t.id), kinds: ['automation'] },
          'repo_deleted',
        );
        for (const token of revoked) {
          await recordAutomationTokenRevoked(audit, tx, context, userId, token, {
            reason: 'repo_deleted',
            by: 'repo_disconnected',
            where: { repo_id: id },
            notice: { repo: repo.full_name },
            at: clock.now(),
          });
        }
        await repos.deleteRepoForOwner(id, userId, tx);
        await audit.record(tx, context, {
          userId,
          action: 'repo.disconnected',
          targetType: 'repo',
          targetId: id,
          metadata: { provider: repo.provider, full_name: repo.full_name, revoked_tokens: revoked.length },
        });
      });
    },

    async listAutomationTokens(userId: string, repoId: string) {
      await findOwned(userId, repoId);
      return credentials.listAutomationTokensOfRepo(undefined, repoId, userId);
    },

    async revokeAutomationToken(userId: string, repoId: string, tokenId: string, context: RequestContext) {
      await inTransaction(db, async (tx) => {
        const token = await credentials.findAutomationTokenOfRepo(tx, tokenId, repoId, userId);
        if (!token) throw new AppError('not_found', 'There is no such automation token on this repository.');
        const revoked = await credentials.revokeCredentials(
          tx,
          { ids: [token.id], kinds: ['automation'] },
          'revoked_by_user',
        );
        // A second revoke is a no-op: the token keeps its first revocation time and reason.
        const [revokedToken] = revoked;
        if (revokedToken) {
          await recordAutomationTokenRevoked(audit, tx, context, userId, revokedToken, {
            reason: 'revoked_by_user',
            by: 'owner',
            where: { repo_id: repoId, task_group_id: token.task_group_id },
            at: clock.now(),
          });
        }
      });
    },
  };
}

export type RepoService = ReturnType<typeof createRepoService>;
