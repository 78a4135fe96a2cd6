import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { CursorCodec } from '../../platform/cursor-codec.ts';
import type { Database, Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createAgentFileStorage } from './agent-file-storage.ts';
import { createAgentRepository } from './agents.repository.ts';
import { agentRoutes } from './agents.routes.ts';
import { createAgentService } from './agents.service.ts';

/** What the agents module is built from. */
export interface AgentsModuleDeps {
  app: App;
  db: Db;
  database: Pick<Database, 'prepare'>;
  audit: AuditService;
  clock: Clock;
  config: Config;
  cursors: CursorCodec;
}

export async function registerAgents(deps: AgentsModuleDeps) {
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
