import type { ReactNode } from 'react';
import { useDocumentTitle } from '../../lib/use-document-title.ts';

export interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** A small link above the title, e.g. "← All repositories". */
  back?: ReactNode;
}

/**
 * The top of a screen. The heading takes focus after navigation (see app/focus-on-navigate),
 * so keyboard and screen-reader users start at the new page, not at the old link.
 */
export function PageHeader({ title, description, actions, back }: PageHeaderProps) {
  useDocumentTitle(typeof title === 'string' ? title : null);
  return (
    <header className="page-header">
      {back ? <div className="page-header__back">{back}</div> : null}
      <div className="page-header__row">
        <h1 className="page-header__title" tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-header__actions">{actions}</div> : null}
      </div>
      {description ? <p className="page-header__description">{description}</p> : null}
    </header>
  );
}
