import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { SessionView } from '../../../lib/api-types.ts';
import { useEndOwnSession } from '../../../lib/end-own-session.ts';
import { errorMessage, fieldErrorsOf } from '../../../lib/error-message.ts';
import { useRevokeOtherSessions } from '../api/revoke-other-sessions.ts';
import { revokeSession, useRevokeSession } from '../api/revoke-session.ts';
import { deviceLabel } from './device-label.ts';

interface DialogProps {
  open: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

/**
 * The password that ends another sign-in (the server asks to re-authenticate for it), with the
 * dialog's buttons. A wrong password is shown at the field; anything else above it.
 */
function ConfirmWithPassword({
  error,
  pending,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  error: unknown;
  pending: boolean;
  confirmLabel: string;
  onConfirm: (password: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const formId = useId();
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  const wrong = Boolean(fieldErrorsOf(error).password);

  // A refused password: back to the field, emptied, to type it again.
  useEffect(() => {
    if (!wrong) return;
    setPassword('');
    ref.current?.focus();
  }, [wrong]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(password === '');
    if (password === '') return ref.current?.focus();
    onConfirm(password);
  };

  return (
    <>
      {error && !wrong ? (
        <Alert tone="danger" live="alert">
          {errorMessage(error, t)}
        </Alert>
      ) : null}
      <form id={formId} className="form" onSubmit={submit} noValidate>
        <Input
          ref={ref}
          label={t('sessions.password')}
          hint={t('sessions.passwordHint')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={
            missing ? t('errors.fieldRequired') : wrong && !pending ? t('sessions.passwordWrong') : undefined
          }
          data-autofocus
        />
      </form>
      <div className="form__actions">
        <Button type="submit" form={formId} variant="danger" loading={pending}>
          {confirmLabel}
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={pending}>
          {t('app.cancel')}
        </Button>
      </div>
    </>
  );
}

/** Revoke one session: another device needs the password; this device signs out and goes to sign-in. */
export function RevokeSessionDialog({
  session,
  open,
  onClose,
  onDone,
}: DialogProps & { session: SessionView | undefined }) {
  const t = useT();
  const revoke = useRevokeSession();
  const signOutHere = useEndOwnSession((id: string) => revokeSession({ id }));
  const close = () => {
    revoke.reset();
    signOutHere.reset();
    onClose();
  };
  const device = session ? deviceLabel(session, t) : '';

  if (session?.current) {
    return (
      <ConfirmDialog
        open={open}
        onClose={close}
        title={t('sessions.revokeCurrentDialog.title')}
        body={t('sessions.revokeCurrentDialog.body')}
        confirmLabel={t('sessions.revokeCurrentDialog.confirm')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        pending={signOutHere.isPending}
        error={signOutHere.isError ? errorMessage(signOutHere.error, t) : undefined}
        onConfirm={() => signOutHere.mutate(session.id)}
      />
    );
  }

  return (
    <Dialog
      open={open && Boolean(session)}
      onClose={close}
      title={t('sessions.revokeDialog.title')}
      description={t('sessions.revokeDialog.body', { device })}
      closeLabel={t('app.close')}
      size="sm"
      dismissible={!revoke.isPending}
    >
      {session ? (
        <ConfirmWithPassword
          error={revoke.error}
          pending={revoke.isPending}
          confirmLabel={t('sessions.revokeDialog.confirm')}
          onCancel={close}
          onConfirm={(password) =>
            revoke.mutate(
              { id: session.id, password },
              {
                onSuccess: () => {
                  revoke.reset();
                  onDone(t('sessions.revokeDialog.done', { device }));
                },
              },
            )
          }
        />
      ) : null}
    </Dialog>
  );
}

/** "Sign out everywhere else": every other session and app sign-in, after the password. */
export function RevokeOthersDialog({ open, onClose, onDone }: DialogProps) {
  const t = useT();
  const revokeOthers = useRevokeOtherSessions();
  const close = () => {
    revokeOthers.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('sessions.revokeOthersDialog.title')}
      description={t('sessions.revokeOthersDialog.body')}
      closeLabel={t('app.close')}
      size="sm"
      dismissible={!revokeOthers.isPending}
    >
      <ConfirmWithPassword
        error={revokeOthers.error}
        pending={revokeOthers.isPending}
        confirmLabel={t('sessions.revokeOthersDialog.confirm')}
        onCancel={close}
        onConfirm={(password) =>
          revokeOthers.mutate(password, {
            onSuccess: ({ revoked }) => {
              revokeOthers.reset();
              onDone(t('sessions.revokeOthersDialog.done', { count: revoked }));
            },
          })
        }
      />
    </Dialog>
  );
}
