import { NavLink, Outlet } from 'react-router';
import { LanguageSelect } from '../components/language-select.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { useMe } from '../features/auth/api/get-me.ts';
import { logOut as endSession } from '../features/auth/api/log-out.ts';
import { NoticeBadge } from '../features/notices/components/notice-badge.tsx';
import { useT } from '../i18n/i18n-provider.tsx';
import { useEndOwnSession } from '../lib/end-own-session.ts';
import { errorMessage } from '../lib/error-message.ts';
import { ExpiringTokensNotice } from './expiring-tokens-notice.tsx';
import { FocusOnNavigate } from './focus-on-navigate.tsx';

/** The signed-in frame: brand, main navigation, language, account; the page below. */
export function AppLayout() {
  const t = useT();
  const me = useMe();
  const logOut = useEndOwnSession(endSession);
  const signOut = () => logOut.mutate();

  const email = me.data?.user.email ?? '';
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <FocusOnNavigate />
      <header className="topbar">
        <div className="topbar__inner">
          <NavLink to="/" className="brand" aria-label={t('app.name')}>
            <span className="brand__mark" aria-hidden="true" />
            <span className="brand__name">{t('app.name')}</span>
          </NavLink>
          <nav className="topnav" aria-label={t('app.primaryNav')}>
            <NavLink to="/repos" className="topnav__link">
              {t('nav.repos')}
            </NavLink>
            <NavLink to="/agents" className="topnav__link">
              {t('nav.agents')}
            </NavLink>
            <NavLink to="/settings" className="topnav__link">
              {t('nav.settings')}
            </NavLink>
          </nav>
          <div className="topbar__end">
            <NoticeBadge />
            <LanguageSelect />
            <span className="topbar__user" title={t('app.signedInAs', { email })}>
              <span className="visually-hidden">{t('app.signedInAs', { email })}</span>
              <span aria-hidden="true">{email}</span>
            </span>
            <Button size="sm" variant="ghost" onClick={signOut} loading={logOut.isPending}>
              {t('app.signOut')}
            </Button>
          </div>
        </div>
      </header>
      {logOut.isError ? (
        <div className="account-notice">
          <Alert
            tone="danger"
            live="alert"
            action={
              <Button size="sm" variant="ghost" onClick={() => logOut.reset()}>
                {t('app.dismiss')}
              </Button>
            }
          >
            {t('app.signOutFailed', { reason: errorMessage(logOut.error, t) })}
          </Alert>
        </div>
      ) : null}
      <ExpiringTokensNotice />
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** Settings: a side list of sections on wide screens, a row of tabs on phones. */
export function SettingsLayout() {
  const t = useT();
  return (
    <div className="settings">
      <nav className="subnav" aria-label={t('app.settingsNav')}>
        <NavLink to="/settings/tokens" className="subnav__link">
          {t('nav.tokens')}
        </NavLink>
        <NavLink to="/settings/security-log" className="subnav__link">
          {t('nav.securityLog')}
        </NavLink>
        <NavLink to="/settings/sessions" className="subnav__link">
          {t('nav.sessions')}
        </NavLink>
        <NavLink to="/settings/password" className="subnav__link">
          {t('nav.password')}
        </NavLink>
        <NavLink to="/settings/providers" className="subnav__link">
          {t('nav.providers')}
        </NavLink>
        <NavLink to="/settings/notices" className="subnav__link">
          {t('nav.notices')}
        </NavLink>
        <NavLink to="/settings/webhooks" className="subnav__link">
          {t('nav.webhooks')}
        </NavLink>
      </nav>
      <div className="settings__content">
        <Outlet />
      </div>
    </div>
  );
}
