import { useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';

/** What an application will be able to do, one plain sentence per scope. */
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
    </div>
  );
}
