import { useId } from 'react';
import { useLanguage, useT } from '../i18n/i18n-provider.tsx';
import { isLanguage, LANGUAGES } from '../i18n/translate.ts';

/** The language switch. Each language is named in itself, so anyone can find theirs. */
export function LanguageSelect() {
  const t = useT();
  const [language, setLanguage] = useLanguage();
  const id = useId();
  return (
    <div className="language-select">
      <label htmlFor={id} className="visually-hidden">
        {t('app.language')}
      </label>
      <select
        id={id}
        className="input select select--compact"
        value={language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) setLanguage(event.target.value);
        }}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`languages.${code}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
