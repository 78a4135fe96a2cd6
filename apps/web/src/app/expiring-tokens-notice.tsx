import { Link } from 'react-router';
import { Interpolated } from '../components/interpolated.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { expiringSoon } from '../features/tokens/components/token-expiry.ts';
import { useT } from '../i18n/i18n-provider.tsx';
import { useTokens } from '../lib/queries/tokens.ts';
import { useNow } from '../lib/use-now.ts';

/** Under the account header, on every signed-in page: tokens that expire within 7 days. */
export function ExpiringTokensNotice() {
  const t = useT();
  const now = useNow();
  const tokens = useTokens();
  const soon = expiringSoon(tokens.data ?? [], now);
  const first = soon[0];
  if (!first?.expires_at) return null;
  const when = <RelativeTime date={first.expires_at} now={now} />;
  return (
    <div className="account-notice">
      <Alert
        tone="warning"
        action={
          <Link to="/settings/tokens?filter=expiring" className="btn btn--secondary btn--sm">
            {t('tokens.expiringNotice.review')}
          </Link>
        }
      >
        {soon.length === 1 ? (
          <Interpolated template={t('tokens.expiringNotice.one', { name: first.name })} slot={when} />
        ) : (
          <Interpolated
            template={t('tokens.expiringNotice.many', { name: first.name, count: soon.length })}
            slot={when}
          />
        )}
      </Alert>
    </div>
  );
}
