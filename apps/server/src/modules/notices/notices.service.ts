import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { iso } from '../../platform/http/schemas.ts';
import { DEFAULT_CHOICE } from './delivery-worker.ts';
import { CONFIGURABLE_NOTICE_KINDS, type NoticeKind, type NoticeSubjectType } from './notice-kinds.ts';
import type { ChannelChoice, NoticeEventRow, NoticeRepository } from './notices.repository.ts';

export function noticeView(row: NoticeEventRow) {
  return {
    id: row.id,
    kind: row.kind as NoticeKind,
    subject_type: row.subject_type as NoticeSubjectType | null,
    subject_id: row.subject_id,
    data: row.data,
    created_at: iso(row.created_at),
    read_at: iso(row.read_at),
  };
}

export function createNoticeService(deps: {
  notices: NoticeRepository;
  clock: Clock;
  config: Pick<Config, 'notices'>;
}) {
  const { notices, clock, config } = deps;

  return {
    async listNotices(
      userId: string,
      options: { limit: number; unreadOnly: boolean; before?: { createdAt: Date; id: string } },
    ) {
      const rows = await notices.listNoticesForUser(userId, { ...options, limit: options.limit + 1 });
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      return {
        notices: page.map(noticeView),
        unreadCount: await notices.countUnreadForUser(userId),
        next: rows.length > options.limit && last ? { createdAt: last.created_at, id: last.id } : null,
      };
    },

    unreadCount: (userId: string) => notices.countUnreadForUser(userId),

    async markRead(id: string, userId: string) {
      const row = await notices.markNoticeRead(id, userId, clock.now());
      if (!row) throw new AppError('not_found', 'No such notice.');
      return noticeView(row);
    },

    markAllRead: (userId: string) => notices.markAllNoticesRead(userId, clock.now()),

    async getSettings(userId: string) {
      const [rows, locale] = await Promise.all([
        notices.listPreferencesForUser(userId),
        notices.findLocale(userId),
      ]);
      return {
        locale,
        channels_available: {
          in_app: config.notices.channels.inApp,
          email: config.notices.channels.email && config.notices.smtpUrl !== undefined,
          webhook: config.notices.channels.webhook,
        },
        expiry_days: config.notices.expiryDays,
        preferences: CONFIGURABLE_NOTICE_KINDS.map((kind) => {
          const row = rows.find((r) => r.kind === kind);
          const choice: ChannelChoice = row ?? DEFAULT_CHOICE;
          return { kind, in_app: choice.in_app, email: choice.email, webhook: choice.webhook };
        }),
      };
    },

    async updateSettings(
      userId: string,
      changes: {
        locale?: 'en-US' | 'zh-CN';
        preferences?: Array<{ kind: string } & Partial<ChannelChoice>>;
      },
    ) {
      if (changes.locale) await notices.setLocale(userId, changes.locale);
      if (changes.preferences && changes.preferences.length > 0) {
        const current = await notices.listPreferencesForUser(userId);
        const merged = new Map<string, { kind: string } & ChannelChoice>();
        for (const change of changes.preferences) {
          const base =
            merged.get(change.kind) ?? current.find((r) => r.kind === change.kind) ?? DEFAULT_CHOICE;
          merged.set(change.kind, {
            kind: change.kind,
            in_app: change.in_app ?? base.in_app,
            email: change.email ?? base.email,
            webhook: change.webhook ?? base.webhook,
          });
        }
        await notices.upsertPreferences(userId, [...merged.values()]);
      }
      return this.getSettings(userId);
    },
  };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
