import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import { isApiError } from '../../../lib/api-client.ts';
import type { ProviderTestResult } from '../../../lib/api-types.ts';
import { formatDate } from '../../../lib/relative-time.ts';

/** The scope a failed check names (the server writes it in quotes: `lacks the "repo" scope`). */
export function missingScopeOf(result: ProviderTestResult): string | null {
  if (result.error?.code !== 'insufficient_permissions') return null;
  return /"([^"]+)"/.exec(result.error.message)?.[1] ?? null;
}

/** The `check` of a 422 answer to an add or a replacement: the token failed and was not saved. */
export function refusedCheckOf(error: unknown): ProviderTestResult | null {
  if (!isApiError(error) || error.code !== 'policy_violation') return null;
  const check = error.extensions.check;
  return typeof check === 'object' && check !== null && 'ok' in check ? (check as ProviderTestResult) : null;
}

/** What a connection test found: who the token belongs to, its scopes and expiry — or why it failed. */
export function TestResult({ result }: { result: ProviderTestResult }) {
  const t = useT();
  const [language] = useLanguage();
  const found = (
    <>
      {result.login && !result.ok ? <p>{t('providers.test.login', { login: result.login })}</p> : null}
      {result.scopes !== undefined ? (
        <p>
          {result.scopes.length > 0
            ? t('providers.test.scopes', { scopes: result.scopes.join(', ') })
            : t('providers.test.noScopes')}
        </p>
      ) : null}
      {result.expires_at !== undefined ? (
        <p>
          {result.expires_at
            ? t('providers.test.expiresOn', { date: formatDate(result.expires_at, language) })
            : t('providers.test.noExpiry')}
        </p>
      ) : null}
    </>
  );
  if (!result.ok) {
    const code = result.error?.code;
    const scope = missingScopeOf(result);
    return (
      <div className="test-result test-result--failed">
        <p className="strong">{t('providers.test.failed')}</p>
        <p>
          {scope
            ? t('providers.test.missingScope', { scope })
            : code
              ? t(`providers.test.codes.${code}`)
              : t('errors.unexpected')}
        </p>
        {result.error?.message ? (
          <p className="small">
            {t('providers.test.providerSaid')} <q lang="en">{result.error.message}</q>
          </p>
        ) : null}
        {found}
      </div>
    );
  }
  return (
    <div className="test-result test-result--ok">
      <p className="strong">{t('providers.test.ok', { login: result.login ?? '—' })}</p>
      {found}
    </div>
  );
}
