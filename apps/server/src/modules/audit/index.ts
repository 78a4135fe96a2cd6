import type { AppDeps } from '../../app.ts';
import { auditRoutes } from './audit.routes.ts';
import type { AuditService } from './audit.service.ts';

export async function registerAudit({ app, audit, cursors }: AppDeps & { audit: AuditService }) {
  await app.register(auditRoutes, { audit, cursors });
}
