import type { CursorCodec } from '../../platform/cursor-codec.ts';
import type { App } from '../../platform/http/schemas.ts';
import { auditRoutes } from './audit.routes.ts';
import type { AuditService } from './audit.service.ts';

/** What the audit module's routes are built from. */
export interface AuditModuleDeps {
  app: App;
  audit: AuditService;
  cursors: CursorCodec;
}

export async function registerAudit({ app, audit, cursors }: AuditModuleDeps) {
  await app.register(auditRoutes, { audit, cursors });
}
