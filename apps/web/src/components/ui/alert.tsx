import type { ReactNode } from 'react';

export type AlertTone = 'info' | 'success' | 'warning' | 'danger';

export interface AlertProps {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  /** `alert` interrupts screen readers (errors); `status` waits politely. */
  live?: 'alert' | 'status' | 'none';
  action?: ReactNode;
  /** Can take focus from script (tabIndex -1), e.g. an error moved into view after a failed action. */
  focusable?: boolean;
}

export function Alert({ tone = 'info', title, children, live = 'none', action, focusable }: AlertProps) {
  return (
    <div
      className={`alert alert--${tone}`}
      role={live === 'none' ? undefined : live}
      tabIndex={focusable ? -1 : undefined}
    >
      <div className="alert__body">
        {title ? <p className="alert__title">{title}</p> : null}
        {children ? <div className="alert__text">{children}</div> : null}
      </div>
      {action ? <div className="alert__action">{action}</div> : null}
    </div>
  );
}
