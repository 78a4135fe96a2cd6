import { NavLink } from 'react-router';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { useUnreadNoticeCount } from '../api/notices.ts';

/** The header's notices link with the unread count. */
export function NoticeBadge() {
  const t = useT();
  const unread = useUnreadNoticeCount();
  const count = unread.data?.unread_count ?? 0;
  return (
    <NavLink
      to="/settings/notices"
      className="topnav__link notice-badge"
      aria-label={count > 0 ? t('notices.badgeUnread', { count }) : t('notices.badge')}
    >
      <span aria-hidden="true">{t('notices.badge')}</span>
      {count > 0 ? (
        <span className="notice-badge__count" aria-hidden="true" data-testid="notice-unread-count">
          {count > 99 ? '99+' : count}
        </span>
      ) : null}
    </NavLink>
  );
}
