import { type CursorCodec, cursorFields } from '../../platform/cursor-codec.ts';
import { AppError } from '../../platform/errors.ts';
import { type AppPlugin, iso } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { AuditLogPage, AuditLogQuery } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';
import { type AuditAction, isAuditAction } from './audit-actions.ts';
import { readAuditTargetType } from './audit-target-types.ts';

export const auditRoutes: AppPlugin<{ audit: AuditService; cursors: CursorCodec }> = async (
  app,
  { audit, cursors },
) => {
  const auditCursor = cursors.define('audit-log', { id: cursorFields.bigint() });
  app.get(
    '/api/account/audit-log',
    declareRoutes(
      ['account'],
      'interactive',
    )({
      summary: "Page through the signed-in user's security events, newest first",
      description:
        'Filter by `action` (one or a comma-separated list) and by `target_id` (the token, session, account… an event is about). The cursor is only valid with the same filters.',
      operationId: 'listAuditEvents',
      querystring: AuditLogQuery,
      response: { 200: AuditLogPage },
    }),
    async (request) => {
      const identity = requireIdentity(request);
      const { cursor, limit, action, target_id } = request.query;
      const actions = action ? action.split(',') : [];
      const unknown = actions.find((a) => !isAuditAction(a));
      if (unknown !== undefined) {
        throw new AppError('invalid_request', `"${unknown}" is not an audit action.`, {
          errors: [{ path: 'query.action', message: 'is not an audit action', code: 'not_allowed' }],
        });
      }
      const before = cursor === undefined ? null : auditCursor.decode(cursor).id;
      const page = await audit.listForUser(identity.userId, before, limit ?? 50, {
        actions,
        ...(target_id ? { targetId: target_id } : {}),
      });
      return {
        events: page.events.map((e) => ({
          ...e,
          // Written only through AuditService.record, whose type admits the closed list alone.
          action: e.action as AuditAction,
          target_type: readAuditTargetType(e.target_type),
          outcome: e.outcome === 'failure' ? ('failure' as const) : ('success' as const),
          created_at: iso(e.created_at),
        })),
        next_cursor: page.lastId === null ? null : auditCursor.encode({ id: page.lastId }),
      };
    },
  );
};
