import { type CursorCodec, cursorFields } from '../../platform/cursor-codec.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { type AppPlugin, problemResponses } from '../../platform/http/schemas.ts';
import { requireIdentity } from '../credentials/identity.ts';
import {
  MarkedCount,
  NoticeIdParams,
  NoticeList,
  NoticeListQuery,
  NoticeSettings,
  NoticeView,
  UnreadCount,
  UpdateNoticeSettingsBody,
} from './notices.schemas.ts';
import type { NoticeService } from './notices.service.ts';

const tags = ['notices'];

export const noticeRoutes: AppPlugin<{ noticeService: NoticeService; cursors: CursorCodec }> = async (
  app,
  { noticeService, cursors },
) => {
  const noticeCursor = cursors.define('notices', { at: cursorFields.timestamp(), id: cursorFields.id() });

  app.get(
    '/api/account/notices',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'List your notices (in-app channel), newest first, with the unread count',
        operationId: 'listNotices',
        tags,
        querystring: NoticeListQuery,
        response: { 200: NoticeList, ...problemResponses(400, 401, 403) },
      },
    },
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
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'How many of your notices are unread (the header badge)',
        operationId: 'countUnreadNotices',
        tags,
        response: { 200: UnreadCount, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) =>
      reply
        .headers(NO_STORE)
        .send({ unread_count: await noticeService.unreadCount(requireIdentity(request).userId) }),
  );

  app.post(
    '/api/account/notices/:id/read',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Mark one notice read',
        operationId: 'markNoticeRead',
        tags,
        params: NoticeIdParams,
        response: { 200: NoticeView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => noticeService.markRead(request.params.id, requireIdentity(request).userId),
  );

  app.post(
    '/api/account/notices/read-all',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Mark every notice read',
        operationId: 'markAllNoticesRead',
        tags,
        response: { 200: MarkedCount, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ marked: await noticeService.markAllRead(requireIdentity(request).userId) }),
  );

  app.get(
    '/api/account/notice-settings',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Your notice settings: e-mail language and the channels of each event kind',
        operationId: 'getNoticeSettings',
        tags,
        response: { 200: NoticeSettings, ...problemResponses(401, 403) },
      },
    },
    async (request) => noticeService.getSettings(requireIdentity(request).userId),
  );

  app.patch(
    '/api/account/notice-settings',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Change the e-mail language or the channels of some event kinds (others stay as they are)',
        operationId: 'updateNoticeSettings',
        tags,
        body: UpdateNoticeSettingsBody,
        response: { 200: NoticeSettings, ...problemResponses(400, 401, 403, 415) },
      },
    },
    async (request) => noticeService.updateSettings(requireIdentity(request).userId, request.body),
  );
};
