import { useEffect, useRef } from 'react';
import { Alert } from './alert.tsx';

/**
 * A failure shown next to the action that failed, scrolled into view and focused, so that it is
 * neither above the viewport nor missed by a keyboard or screen-reader user.
 */
export function ActionError({ message }: { message: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!message) return;
    const alert = ref.current?.querySelector<HTMLElement>('.alert');
    alert?.scrollIntoView({ block: 'center' });
    alert?.focus();
  }, [message]);
  return (
    <div ref={ref}>
      <Alert tone="danger" live="alert" focusable>
        {message}
      </Alert>
    </div>
  );
}
