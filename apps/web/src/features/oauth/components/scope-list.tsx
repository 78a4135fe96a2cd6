import { Alert } from '../../../components/ui/alert.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';

/** The scope that lets an application manage the account (ADR 0013). */
const ACCOUNT_SCOPE = 'account';

/**
 * Exactly what an application will be granted: one plain sentence per scope, with the scope's
 * name, and a warning when that includes managing the account.
 */
export function ScopeList({ scopes }: { scopes: string[] }) {
  const t = useT();
  return (
    <div className="consent-scopes">
      <p className="strong">{t('oauth.scopesIntro')}</p>
      <ul className="check-list">
        {scopes.map((scope) => {
          const key = `oauth.scopes.${scope}`;
          return (
            <li key={scope}>
              <span>{isMessageKey(key) ? t(key) : scope}</span> <code className="code muted">{scope}</code>
            </li>
          );
        })}
      </ul>
      {scopes.includes(ACCOUNT_SCOPE) ? <Alert tone="warning">{t('oauth.accountWarning')}</Alert> : null}
    </div>
  );
}
