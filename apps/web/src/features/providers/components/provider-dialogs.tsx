import { type FormEvent, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { type Translate, useT } from '../../../i18n/i18n-provider.tsx';
import type { ProviderAccount } from '../../../lib/api-types.ts';
import { errorMessage, hasErrorCode } from '../../../lib/error-message.ts';
import { useDeleteProviderAccount } from '../api/delete-provider-account.ts';
import { useReposOfAccount } from '../api/list-repos.ts';
import { useUpdateProviderAccount } from '../api/update-provider-account.ts';
import { providerFieldErrors } from './add-provider-dialog.tsx';
import { RefusedCheck } from './refused-check.tsx';
import { refusedCheckOf } from './test-result.tsx';

interface AccountDialogProps {
  account: ProviderAccount | undefined;
  open: boolean;
  onClose: () => void;
  onDone: (message: string, tone?: 'success' | 'warning') => void;
}

/** The notice after a save: a token saved despite a failed test says so. */
export function savedMessage(account: ProviderAccount, t: Translate, success: string) {
  if (account.status === 'ok') return { text: success, tone: 'success' as const };
  return {
    text: `${success} ${t('providers.savedFailing', { status: t(`providers.status.${account.status}`) })}`,
    tone: 'warning' as const,
  };
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
  const refused = refusedCheckOf(update.error);

  const submit = (event: FormEvent | null, force = false) => {
    event?.preventDefault();
    if (!token.trim()) {
      setError(t('errors.fieldRequired'));
      return ref.current?.focus();
    }
    update.mutate(
      { id: account.id, body: { token: token.trim(), ...(force ? { force: true } : {}) } },
      {
        onSuccess: (saved) => {
          setToken('');
          update.reset();
          const message = savedMessage(saved, t, t('providers.replace.done', { name: saved.name }));
          onDone(message.text, message.tone);
        },
        onError: (failure) => {
          if (refusedCheckOf(failure)) return;
          setError(providerFieldErrors(failure, account.provider, t).token);
          ref.current?.focus();
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {update.isError && !refused && !hasErrorCode(update.error, 'invalid_request') ? (
        <Alert tone="danger" live="alert">
          {errorMessage(update.error, t)}
        </Alert>
      ) : null}
      {refused ? (
        <RefusedCheck
          result={refused}
          pending={update.isPending}
          onForce={() => submit(null, true)}
          onEdit={() => {
            update.reset();
            ref.current?.focus();
          }}
        />
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
        onChange={(event) => {
          setToken(event.target.value);
          if (refused) update.reset();
        }}
        error={error}
        data-autofocus
      />
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={update.isPending && !refused}>
          {t('providers.replace.submit')}
        </Button>
        <Button variant="ghost" onClick={onClose} disabled={update.isPending}>
          {t('app.cancel')}
        </Button>
      </div>
    </form>
  );
}

export function RenameAccountDialog({ account, open, onClose, onDone }: AccountDialogProps) {
  const t = useT();
  return (
    <Dialog
      open={open && Boolean(account)}
      onClose={onClose}
      title={t('providers.rename.title', { name: account?.name ?? '' })}
      closeLabel={t('app.close')}
      size="sm"
    >
      {account ? <RenameForm key={account.id} account={account} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function RenameForm({
  account,
  onClose,
  onDone,
}: Omit<AccountDialogProps, 'open' | 'account'> & { account: ProviderAccount }) {
  const t = useT();
  const update = useUpdateProviderAccount();
  const [name, setName] = useState(account.name);
  const [error, setError] = useState<string | undefined>();
  const ref = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError(t('errors.fieldRequired'));
      return ref.current?.focus();
    }
    if (name.trim() === account.name) return onClose();
    update.mutate(
      { id: account.id, body: { name: name.trim() } },
      {
        onSuccess: (saved) => onDone(t('providers.rename.done', { from: account.name, to: saved.name })),
        onError: (failure) => {
          setError(hasErrorCode(failure, 'invalid_request') ? t('errors.fieldInvalid') : undefined);
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
      <Input
        ref={ref}
        label={t('providers.fields.name')}
        value={name}
        maxLength={100}
        autoComplete="off"
        onChange={(event) => setName(event.target.value)}
        error={error}
        data-autofocus
      />
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={update.isPending}>
          {t('providers.rename.submit')}
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
  const repos = useReposOfAccount(open ? account?.id : undefined);
  const blocking = repos.data ?? [];
  const close = () => {
    remove.reset();
    onClose();
  };
  const inUse = blocking.length > 0 || hasErrorCode(remove.error, 'conflict');
  return (
    <ConfirmDialog
      open={open && Boolean(account)}
      onClose={close}
      title={t('providers.remove.title', { name: account?.name ?? '' })}
      body={t('providers.remove.body')}
      confirmLabel={t('providers.remove.confirm')}
      cancelLabel={t('app.cancel')}
      closeLabel={t('app.close')}
      pending={remove.isPending}
      error={remove.isError && !hasErrorCode(remove.error, 'conflict') ? errorMessage(remove.error, t) : null}
      onConfirm={() =>
        account &&
        remove.mutate(account.id, {
          onSuccess: () => {
            remove.reset();
            onDone(t('providers.remove.done', { name: account.name }));
          },
        })
      }
    >
      {inUse ? (
        <Alert tone="warning" live="status" title={t('providers.remove.inUse')}>
          {blocking.length > 0 ? (
            <ul className="plain-list">
              {blocking.map((repo) => (
                <li key={repo.id}>
                  <code className="code">{repo.full_name}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
    </ConfirmDialog>
  );
}
