import { type CursorCodec, cursorFields } from '../../platform/cursor-codec.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import {
  MarkedCount,
  NoticeList,
  NoticeListQuery,
  NoticeSettings,
  NoticeView,
  UnreadCount,
  UpdateNoticeSettingsBody,
} from './notices.schemas.ts';
import type { NoticeService } from './notices.service.ts';

export const noticeRoutes: AppPlugin<{ noticeService: NoticeService; cursors: CursorCodec }> = async (
  app,
  { noticeService, cursors },
) => {
  const route = declareRoutes(['notices'], 'interactive');
  const owned = ownedResourceRoutes(app, route);
  const noticeCursor = cursors.define('notices', { at: cursorFields.timestamp(), id: cursorFields.id() });

  app.get(
    '/api/account/notices',
    route({
      summary: 'List your notices (in-app channel), newest first, with the unread count',
      operationId: 'listNotices',
      querystring: NoticeListQuery,
      response: { 200: NoticeList },
    }),
    async (request, reply) => {
      const { cursor, limit = 50, unread = false } = request.query;
      const position = cursor === undefined ? undefined : noticeCursor.decode(cursor);
      const page = await noticeService.listNotices(requireIdentity(request).userId, {
        limit,
        unreadOnly: unread,
        before: position ? { createdAt: position.at, id: position.id } : undefined,
      });
      return reply.headers(NO_STORE).send({
        notices: page.notices,
        unread_count: page.unreadCount,
        next_cursor: page.next ? noticeCursor.encode({ at: page.next.createdAt, id: page.next.id }) : null,
      });
    },
  );

  app.get(
    '/api/account/notices/unread-count',
    route({
      summary: 'How many of your notices are unread (the header badge)',
      operationId: 'countUnreadNotices',
      response: { 200: UnreadCount },
    }),
    async (request, reply) =>
      reply
        .headers(NO_STORE)
        .send({ unread_count: await noticeService.unreadCount(requireIdentity(request).userId) }),
  );

  owned.post(
    '/api/account/notices/:id/read',
    { summary: 'Mark one notice read', operationId: 'markNoticeRead', view: NoticeView },
    (id, userId) => noticeService.markRead(id, userId),
  );

  app.post(
    '/api/account/notices/read-all',
    route({
      summary: 'Mark every notice read',
      operationId: 'markAllNoticesRead',
      response: { 200: MarkedCount },
    }),
    async (request) => ({ marked: await noticeService.markAllRead(requireIdentity(request).userId) }),
  );

  app.get(
    '/api/account/notice-settings',
    route({
      summary: 'Your notice settings: e-mail language and the channels of each event kind',
      operationId: 'getNoticeSettings',
      response: { 200: NoticeSettings },
    }),
    async (request) => noticeService.getSettings(requireIdentity(request).userId),
  );

  app.patch(
    '/api/account/notice-settings',
    route({
      summary: 'Change the e-mail language or the channels of some event kinds (others stay as they are)',
      operationId: 'updateNoticeSettings',
      body: UpdateNoticeSettingsBody,
      response: { 200: NoticeSettings },
    }),
    async (request) => noticeService.updateSettings(requireIdentity(request).userId, request.body),
  );
};
