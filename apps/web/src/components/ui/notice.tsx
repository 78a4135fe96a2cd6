import { useEffect, useRef } from 'react';
import { Alert, type AlertTone } from './alert.tsx';
import { Button } from './button.tsx';

export interface NoticeMessage {
  text: string;
  tone?: AlertTone;
}

/**
 * The outcome of the last action on a page ("Revoked “CI”."), in a polite live region that keeps
 * its place in the layout. It takes focus when it appears (the control that acted may be gone, and
 * a sighted keyboard user should see it), and can be dismissed.
 */
export function Notice({
  notice,
  onDismiss,
  dismissLabel,
}: {
  notice: NoticeMessage | string | null;
  onDismiss: () => void;
  dismissLabel: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const message = typeof notice === 'string' ? { text: notice } : notice;
  const text = message?.text;
  useEffect(() => {
    if (!text) return;
    const focusInside = ref.current?.contains(document.activeElement);
    // A dialog that just closed gives focus back to its opener; only take it when it fell to the page.
    if (!focusInside && (document.activeElement === document.body || document.activeElement === null)) {
      ref.current?.querySelector<HTMLElement>('.alert')?.focus();
    }
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [text]);
  return (
    <div className="notice-slot" aria-live="polite" ref={ref}>
      {message ? (
        <Alert
          tone={message.tone ?? 'success'}
          focusable
          action={
            <Button size="sm" variant="ghost" onClick={onDismiss}>
              {dismissLabel}
            </Button>
          }
        >
          {message.text}
        </Alert>
      ) : null}
    </div>
  );
}
