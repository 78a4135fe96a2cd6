import { RelativeTime } from '../../../components/relative-time.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { ProviderTestResult } from '../../../lib/api-types.ts';
import { useNow } from '../../../lib/use-now.ts';

/** What a connection test found: who the token belongs to, its scopes and expiry — or why it failed. */
export function TestResult({ result }: { result: ProviderTestResult }) {
  const t = useT();
  const now = useNow();
  if (!result.ok) {
    const code = result.error?.code;
    return (
      <div className="test-result test-result--failed">
        <p className="strong">{t('providers.test.failed')}</p>
        <p>{code ? t(`providers.test.codes.${code}`) : t('errors.unexpected')}</p>
      </div>
    );
  }
  return (
    <div className="test-result test-result--ok">
      <p className="strong">{t('providers.test.ok', { login: result.login ?? '—' })}</p>
      <p>
        {result.scopes && result.scopes.length > 0
          ? t('providers.test.scopes', { scopes: result.scopes.join(', ') })
          : t('providers.test.noScopes')}
      </p>
      <p>
        {result.expires_at ? (
          <>
            {t('providers.test.expiresLabel')} <RelativeTime date={result.expires_at} now={now} />
          </>
        ) : (
          t('providers.test.noExpiry')
        )}
      </p>
    </div>
  );
}
