import type { NoticeKind } from '@tessera/client';
import { Link } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useNoticeSettings, useUpdateNoticeSettings } from '../api/notice-settings.ts';
import { useMarkAllNoticesRead, useMarkNoticeRead, useNotices } from '../api/notices.ts';
import { noticeDetail, noticeKindLabel, noticeTarget } from './notice-text.ts';

export function NoticesPage() {
  const t = useT();
  const now = useNow();
  const [language] = useLanguage();
  const notices = useNotices();
  const markRead = useMarkNoticeRead();
  const markAll = useMarkAllNoticesRead();
  const formatDate = (iso: string) => new Date(iso).toLocaleDateString(language, { dateStyle: 'medium' });
  const rows = notices.data?.pages.flatMap((page) => page.notices) ?? [];
  const unread = notices.data?.pages[0]?.unread_count ?? 0;

  return (
    <div className="page">
      <PageHeader
        title={t('notices.title')}
        description={t('notices.intro')}
        actions={
          <Button
            variant="secondary"
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            {t('notices.markAllRead')}
          </Button>
        }
      />
      {notices.isError ? <Alert tone="danger">{errorMessage(notices.error, t)}</Alert> : null}
      {notices.isSuccess && rows.length === 0 ? (
        <EmptyState title={t('notices.empty.title')} description={t('notices.empty.text')} />
      ) : null}
      <ul className="notice-list" data-testid="notice-list">
        {rows.map((notice) => {
          const target = noticeTarget(notice);
          return (
            <li
              key={notice.id}
              className={notice.read_at ? 'notice-item' : 'notice-item notice-item--unread'}
            >
              <div className="stack-xs">
                <span className="strong">
                  {noticeKindLabel(notice.kind, t)}{' '}
                  {notice.read_at ? null : <Chip tone="info">{t('notices.unread')}</Chip>}
                </span>
                <span className="muted small">{noticeDetail(notice, t, formatDate)}</span>
                <span className="muted small">
                  <RelativeTime date={notice.created_at} now={now} />
                </span>
              </div>
              <div className="notice-item__actions">
                {target ? (
                  <Link to={target} onClick={() => (notice.read_at ? undefined : markRead.mutate(notice.id))}>
                    {t('notices.open')}
                  </Link>
                ) : null}
                {notice.read_at ? null : (
                  <Button size="sm" variant="ghost" onClick={() => markRead.mutate(notice.id)}>
                    {t('notices.markRead')}
                  </Button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {notices.hasNextPage ? (
        <Button
          variant="secondary"
          loading={notices.isFetchingNextPage}
          onClick={() => notices.fetchNextPage()}
        >
          {t('app.loadMore')}
        </Button>
      ) : null}
      <NoticeSettingsSection />
    </div>
  );
}

function NoticeSettingsSection() {
  const t = useT();
  const settings = useNoticeSettings();
  const update = useUpdateNoticeSettings();
  if (!settings.data) return null;
  const { channels_available: available, preferences, locale, expiry_days } = settings.data;
  const toggle = (kind: NoticeKind, channel: 'in_app' | 'email' | 'webhook', value: boolean) =>
    update.mutate({ preferences: [{ kind: kind as Exclude<NoticeKind, 'webhook.test'>, [channel]: value }] });
  const channels = [
    ['in_app', t('notices.settings.inApp'), available.in_app],
    ['email', t('notices.settings.email'), available.email],
    ['webhook', t('notices.settings.webhook'), available.webhook],
  ] as const;

  return (
    <section className="stack" aria-labelledby="notice-settings-title">
      <h2 id="notice-settings-title">{t('notices.settings.title')}</h2>
      <p className="muted">{t('notices.settings.thresholds', { days: expiry_days.join(', ') })}</p>
      <label className="field">
        <span className="field__label">{t('notices.settings.language')}</span>
        <select
          className="select"
          value={locale}
          onChange={(event) => update.mutate({ locale: event.target.value as 'en-US' | 'zh-CN' })}
        >
          <option value="en-US">{t('languages.en-US')}</option>
          <option value="zh-CN">{t('languages.zh-CN')}</option>
        </select>
      </label>
      {update.isError ? <Alert tone="danger">{errorMessage(update.error, t)}</Alert> : null}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('notices.settings.kind')}</th>
            {channels.map(([key, label, on]) => (
              <th scope="col" key={key}>
                {label}
                {on ? null : <span className="muted small"> ({t('notices.settings.off')})</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preferences.map((preference) => (
            <tr key={preference.kind}>
              <th scope="row">{noticeKindLabel(preference.kind, t)}</th>
              {channels.map(([key, label, on]) => (
                <td key={key}>
                  <input
                    type="checkbox"
                    aria-label={`${noticeKindLabel(preference.kind, t)}: ${label}`}
                    checked={preference[key]}
                    disabled={!on || update.isPending}
                    onChange={(event) => toggle(preference.kind, key, event.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
