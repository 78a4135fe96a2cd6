import type { CursorCodec } from '../../platform/cursor-codec.ts';
import { newestFirstPages } from '../../platform/database/newest-first.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
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
  const owned = ownedResourceRoutes(app, declareRoutes(['notices'], 'interactive'));
  const noticePages = newestFirstPages(cursors, 'notices');

  owned.read(
    '/api/account/notices',
    {
      summary: 'List your notices (in-app channel), newest first, with the unread count',
      operationId: 'listNotices',
      querystring: NoticeListQuery,
      view: NoticeList,
      noStore: true,
    },
    async (userId, { cursor, limit = 50, unread = false }) => {
      const page = await noticeService.listNotices(userId, {
        limit,
        unreadOnly: unread,
        before: noticePages.after(cursor),
      });
      return {
        notices: page.notices,
        unread_count: page.unreadCount,
        next_cursor: noticePages.next(page.next),
      };
    },
  );

  owned.read(
    '/api/account/notices/unread-count',
    {
      summary: 'How many of your notices are unread (the header badge)',
      operationId: 'countUnreadNotices',
      view: UnreadCount,
      noStore: true,
    },
    async (userId) => ({ unread_count: await noticeService.unreadCount(userId) }),
  );

  owned.post(
    '/api/account/notices/:id/read',
    { summary: 'Mark one notice read', operationId: 'markNoticeRead', view: NoticeView },
    (id, userId) => noticeService.markRead(id, userId),
  );

  owned.act(
    '/api/account/notices/read-all',
    { summary: 'Mark every notice read', operationId: 'markAllNoticesRead', view: MarkedCount },
    async (userId) => ({ marked: await noticeService.markAllRead(userId) }),
  );

  owned.read(
    '/api/account/notice-settings',
    {
      summary: 'Your notice settings: e-mail language and the channels of each event kind',
      operationId: 'getNoticeSettings',
      view: NoticeSettings,
    },
    (userId) => noticeService.getSettings(userId),
  );

  owned.update(
    'PATCH',
    '/api/account/notice-settings',
    {
      summary: 'Change the e-mail language or the channels of some event kinds (others stay as they are)',
      operationId: 'updateNoticeSettings',
      body: UpdateNoticeSettingsBody,
      view: NoticeSettings,
    },
    (userId, body) => noticeService.updateSettings(userId, body),
  );
};
