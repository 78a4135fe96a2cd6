import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { SecretReveal } from './secret-reveal.tsx';

export interface RevealedToken {
  id: string;
  name: string;
  secret: string;
}

/**
 * The one screen that shows a secret, after generating and after regenerating alike: the secret
 * with its copy button, one way out ("Done, back to tokens"), and a question before any other way
 * out (in-app navigation asks; a reload or a closed tab gets the browser's own question). The
 * secret lives in the owner's React state only; `onDone` is where the owner drops it.
 */
export function TokenRevealScreen({
  title,
  token,
  onDone,
}: {
  title: string;
  token: RevealedToken;
  onDone: () => void;
}) {
  const t = useT();
  const root = useRef<HTMLDivElement>(null);
  const leaving = useRef(false);
  const blocker = useBlocker(() => !leaving.current);

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  // Start at the heading, whatever had focus before (a form's button, a dialog that closed).
  useEffect(() => {
    const heading = root.current?.querySelector<HTMLElement>('h1');
    heading?.focus();
    // A dialog closing in the same moment hands focus back on the next frame; take it back.
    const frame = requestAnimationFrame(() => {
      if (!root.current?.contains(document.activeElement)) heading?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, []);

  const done = () => {
    leaving.current = true;
    onDone();
  };

  return (
    <div className="page page--narrow" ref={root}>
      <PageHeader title={title} />
      <div className="card">
        <SecretReveal tokenName={token.name} secret={token.secret} />
        <div className="form__actions">
          <Button variant="primary" onClick={done}>
            {t('tokens.reveal.doneBack')}
          </Button>
        </div>
      </div>
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        title={t('tokens.reveal.leaveTitle')}
        body={t('tokens.reveal.leaveBody', { name: token.name })}
        confirmLabel={t('tokens.reveal.leaveConfirm')}
        cancelLabel={t('tokens.reveal.leaveStay')}
        closeLabel={t('app.close')}
        onConfirm={() => {
          leaving.current = true;
          blocker.proceed?.();
        }}
        onClose={() => blocker.reset?.()}
      />
    </div>
  );
}
