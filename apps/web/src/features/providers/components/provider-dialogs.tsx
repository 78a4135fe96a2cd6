import { type FormEvent, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { ProviderAccount } from '../../../lib/api-types.ts';
import { errorMessage, hasErrorCode } from '../../../lib/error-message.ts';
import { useDeleteProviderAccount } from '../api/delete-provider-account.ts';
import { useUpdateProviderAccount } from '../api/update-provider-account.ts';
import { providerFieldErrors } from './add-provider-dialog.tsx';

interface AccountDialogProps {
  account: ProviderAccount | undefined;
  open: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function ReplaceTokenDialog({ account, open, onClose, onDone }: AccountDialogProps) {
  const t = useT();
  return (
    <Dialog
      open={open && Boolean(account)}
      onClose={onClose}
      title={t('providers.replace.title', { name: account?.name ?? '' })}
      description={t('providers.replace.body')}
      closeLabel={t('app.close')}
    >
      {account ? (
        <ReplaceTokenForm key={account.id} account={account} onClose={onClose} onDone={onDone} />
      ) : null}
    </Dialog>
  );
}

function ReplaceTokenForm({
  account,
  onClose,
  onDone,
}: Omit<AccountDialogProps, 'open' | 'account'> & { account: ProviderAccount }) {
  const t = useT();
  const update = useUpdateProviderAccount();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const ref = useRef<HTMLInputElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError(t('errors.fieldRequired'));
      return ref.current?.focus();
    }
    update.mutate(
      { id: account.id, body: { token: token.trim() } },
      {
        onSuccess: () => {
          setToken('');
          update.reset();
          onDone(t('providers.replace.done'));
        },
        onError: (failure) => {
          setError(providerFieldErrors(failure, account.provider, t).token);
          ref.current?.focus();
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {update.isError && !hasErrorCode(update.error, 'invalid_request') ? (
        <Alert tone="danger" live="alert">
          {errorMessage(update.error, t)}
        </Alert>
      ) : null}
      <Alert tone="info">{t(`providers.help.${account.provider}`)}</Alert>
      <Input
        ref={ref}
        label={t('providers.fields.newToken')}
        type="password"
        autoComplete="off"
        spellCheck={false}
        maxLength={1024}
        value={token}
        onChange={(event) => setToken(event.target.value)}
        error={error}
        data-autofocus
      />
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={update.isPending}>
          {t('providers.replace.submit')}
        </Button>
        <Button variant="ghost" onClick={onClose} disabled={update.isPending}>
          {t('app.cancel')}
        </Button>
      </div>
    </form>
  );
}

export function RemoveAccountDialog({ account, open, onClose, onDone }: AccountDialogProps) {
  const t = useT();
  const remove = useDeleteProviderAccount();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Dialog
      open={open && Boolean(account)}
      onClose={close}
      title={t('providers.remove.title', { name: account?.name ?? '' })}
      description={t('providers.remove.body')}
      closeLabel={t('app.close')}
      size="sm"
      dismissible={!remove.isPending}
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={remove.isPending} data-autofocus>
            {t('app.cancel')}
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            onClick={() =>
              account &&
              remove.mutate(account.id, {
                onSuccess: () => {
                  remove.reset();
                  onDone(t('providers.remove.done', { name: account.name }));
                },
              })
            }
          >
            {t('providers.remove.confirm')}
          </Button>
        </>
      }
    >
      {remove.isError ? (
        <Alert tone="danger" live="alert">
          {hasErrorCode(remove.error, 'conflict')
            ? t('providers.remove.inUse')
            : errorMessage(remove.error, t)}
        </Alert>
      ) : null}
    </Dialog>
  );
}
