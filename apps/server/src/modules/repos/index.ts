import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AgentService } from '../agents/agents.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import type { ProviderAccountService } from '../provider-accounts/provider-accounts.service.ts';
import { createRepoRepository } from './repos.repository.ts';
import { repoRoutes } from './repos.routes.ts';
import { createRepoService } from './repos.service.ts';
import { createTaskGroupService } from './task-groups.service.ts';

/** What the repos module is built from. */
export interface ReposModuleDeps {
  app: App;
  db: Db;
  credentials: CredentialService;
  audit: AuditService;
  clock: Clock;
  providerAccountService: Pick<ProviderAccountService, 'describeRepository'>;
  agentService: Pick<AgentService, 'getAgent' | 'agentNamesVisibleTo'>;
}

export async function registerRepos(deps: ReposModuleDeps) {
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
  await app.register(repoRoutes, { repoService, taskGroupService, credentials, clock });
  return { repoService, taskGroupService };
}
