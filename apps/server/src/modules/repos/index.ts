import type { AppDeps } from '../../app.ts';
import type { AgentService } from '../agents/agents.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ProviderAccountService } from '../provider-accounts/provider-accounts.service.ts';
import { createRepoRepository } from './repos.repository.ts';
import { repoRoutes } from './repos.routes.ts';
import { createRepoService } from './repos.service.ts';
import { createTaskGroupService } from './task-groups.service.ts';

export async function registerRepos(
  deps: AppDeps & {
    audit: AuditService;
    providerAccountService: Pick<ProviderAccountService, 'describeRepository'>;
    agentService: Pick<AgentService, 'getAgent' | 'agentNamesVisibleTo'>;
  },
) {
  const { app, db, credentials, audit, clock, providerAccountService, agentService } = deps;
  const repos = createRepoRepository(db);
  const repoService = createRepoService({
    db,
    repos,
    providerAccounts: providerAccountService,
    credentials,
    audit,
    clock,
  });
  const taskGroupService = createTaskGroupService({
    db,
    repos,
    agents: agentService,
    credentials,
    audit,
    clock,
  });
  await app.register(repoRoutes, { repoService, taskGroupService, credentials });
  return { repoService, taskGroupService };
}
