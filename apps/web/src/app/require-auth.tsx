import { Navigate, Outlet, useLocation } from 'react-router';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { LoadingBlock } from '../components/ui/spinner.tsx';
import { useMe } from '../features/auth/api/get-me.ts';
import { useT } from '../i18n/i18n-provider.tsx';
import { isApiError } from '../lib/api-client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { sessionExpiredMarked } from '../lib/form-draft.ts';

/** Signed-in routes: while unknown, wait; when signed out, go to /login and come back afterwards. */
export function RequireAuth() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <LoadingBlock label={t('app.loading')} minHeight={320} />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      const next = `${location.pathname}${location.search}`;
      const reason = sessionExpiredMarked() ? '&reason=expired' : '';
      return <Navigate to={`/login?next=${encodeURIComponent(next)}${reason}`} replace />;
    }
    return (
      <div className="centered-message">
        <Alert
          tone="danger"
          live="alert"
          action={
            <Button onClick={() => me.refetch()} loading={me.isFetching}>
              {t('app.retry')}
            </Button>
          }
        >
          {errorMessage(me.error, t)}
        </Alert>
      </div>
    );
  }
  return <Outlet />;
}
