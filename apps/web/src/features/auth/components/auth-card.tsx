import type { ReactNode } from 'react';
import { LanguageSelect } from '../../../components/language-select.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { useDocumentTitle } from '../../../lib/use-document-title.ts';

/** The frame of the signed-out screens: brand, language switch, one card. */
export function AuthCard({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const t = useT();
  useDocumentTitle(title, t('app.name'));
  return (
    <div className="auth">
      <div className="auth__top">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true" />
          {t('app.name')}
        </span>
        <LanguageSelect />
      </div>
      <main id="main" className="auth__main">
        <div className="card auth__card">
          <h1 className="auth__title" tabIndex={-1}>
            {title}
          </h1>
          {children}
        </div>
        {footer ? <p className="auth__footer">{footer}</p> : null}
      </main>
    </div>
  );
}
