import { type AppPlugin, iso, problemResponses } from '../../platform/http/schemas.ts';
import { AuditLogPage, AuditLogQuery } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';

export const auditRoutes: AppPlugin<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/api/account/audit-log',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: "Page through the signed-in user's security events, newest first",
        operationId: 'listAuditEvents',
        tags: ['account'],
        querystring: AuditLogQuery,
        response: { 200: AuditLogPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const identity = request.identity!;
      const page = await audit.listForUser(identity.userId, request.query.cursor, request.query.limit ?? 50);
      return {
        events: page.events.map((e) => ({
          ...e,
          outcome: e.outcome === 'failure' ? ('failure' as const) : ('success' as const),
          created_at: iso(e.created_at)!,
        })),
        next_cursor: page.nextCursor,
      };
    },
  );
};
