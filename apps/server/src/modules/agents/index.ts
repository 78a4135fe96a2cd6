import type { AppDeps } from '../../app.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createAgentFileStorage } from './agent-file-storage.ts';
import { createAgentRepository } from './agents.repository.ts';
import { agentRoutes } from './agents.routes.ts';
import { createAgentService } from './agents.service.ts';

export async function registerAgents(deps: AppDeps & { audit: AuditService }) {
  const { app, db, database, audit, clock, config, cursors } = deps;
  const agentService = createAgentService({
    db,
    agents: createAgentRepository(db, database.prepare),
    storage: createAgentFileStorage({ root: config.uploadDir, maxBytes: config.uploadMaxBytes }),
    quotaBytes: config.uploadQuotaBytes,
    audit,
    clock,
    onStorageError: (error) => app.log.error({ err: error }, 'could not remove the files of a deleted agent'),
  });
  await app.register(agentRoutes, { agentService, cursors, config });
  return { agentService };
}
