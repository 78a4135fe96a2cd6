import { NavLink } from 'react-router';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { useUnreadNoticeCount } from '../api/notices.ts';

/** The header's notices link with the unread count. */
export function NoticeBadge() {
  const t = useT();
  const unread = useUnreadNoticeCount();
  const count = unread.data?.unread_count ?? 0;
  return (
    // No aria-label: the name is the visible text plus a hidden word, so speech input that says
    // what it sees ("click Notices") finds the link (WCAG 2.5.3, axe label-content-name-mismatch).
    <NavLink to="/settings/notices" className="topnav__link notice-badge">
      {t('notices.badge')}
      {count > 0 ? (
        <>
          {' '}
          <span className="notice-badge__count" data-testid="notice-unread-count">
            {count > 99 ? '99+' : count}
          </span>
          <span className="visually-hidden">{t('notices.unreadSuffix')}</span>
        </>
      ) : null}
    </NavLink>
  );
}
