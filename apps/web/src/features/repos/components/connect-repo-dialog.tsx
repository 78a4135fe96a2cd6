import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { Spinner } from '../../../components/ui/spinner.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { ProviderAccount, Repo } from '../../../lib/api-types.ts';
import { errorMessage, hasErrorCode } from '../../../lib/error-message.ts';
import { useProviderAccounts } from '../../../lib/queries/provider-accounts.ts';
import { useConnectRepo } from '../api/connect-repo.ts';
import { useProviderRepositories } from '../api/list-provider-repositories.ts';

export function ConnectRepoDialog({
  open,
  onClose,
  onConnected,
  connected,
}: {
  open: boolean;
  onClose: () => void;
  onConnected: (repo: Repo) => void;
  /** Repositories already connected, marked and not offered again. */
  connected: Repo[];
}) {
  const t = useT();
  return (
    <Dialog open={open} onClose={onClose} title={t('repos.connectDialog.title')} closeLabel={t('app.close')}>
      {open ? <ConnectRepoForm onClose={onClose} onConnected={onConnected} connected={connected} /> : null}
    </Dialog>
  );
}

function ConnectRepoForm({
  onClose,
  onConnected,
  connected,
}: {
  onClose: () => void;
  onConnected: (repo: Repo) => void;
  connected: Repo[];
}) {
  const t = useT();
  const accounts = useProviderAccounts();
  const [accountId, setAccountId] = useState<string>('');
  const [fullName, setFullName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const repositories = useProviderRepositories(accountId || null);
  const connect = useConnectRepo();

  const taken = new Set(
    connected.filter((repo) => repo.provider_account_id === accountId).map((repo) => repo.full_name),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!accountId || !fullName) {
      setError(t('errors.fieldRequired'));
      return;
    }
    connect.mutate(
      { provider_account_id: accountId, full_name: fullName },
      {
        onSuccess: (repo) => onConnected(repo),
        onError: (failure) =>
          setError(hasErrorCode(failure, 'conflict') ? t('repos.connectDialog.alreadyConnected') : undefined),
      },
    );
  };

  if (accounts.isPending) return <Spinner label={t('app.loading')} />;
  if (accounts.isError) {
    return (
      <Alert tone="danger" live="alert">
        {errorMessage(accounts.error, t)}
      </Alert>
    );
  }
  const usable = accounts.data.filter(isConnectable);
  const hidden = accounts.data.length - usable.length;
  if (usable.length === 0) {
    return (
      <Alert tone="info" action={<Link to="/settings/providers">{t('repos.empty.addAccount')}</Link>}>
        {hidden > 0 ? t('repos.connectDialog.allBroken') : t('repos.empty.noAccounts')}
      </Alert>
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {connect.isError && !hasErrorCode(connect.error, 'conflict') ? (
        <Alert tone="danger" live="alert">
          {errorMessage(connect.error, t)}
        </Alert>
      ) : null}
      <Select
        label={t('repos.connectDialog.account')}
        placeholder={t('repos.connectDialog.chooseAccount')}
        value={accountId}
        onChange={(event) => {
          setAccountId(event.target.value);
          setFullName('');
          setError(undefined);
        }}
        options={usable.map((account) => ({
          value: account.id,
          label: `${account.name} (${t(`providers.names.${account.provider}`)})`,
        }))}
        data-autofocus
      />
      {hidden > 0 ? (
        <Alert
          tone="info"
          action={<Link to="/settings/providers">{t('repos.connectDialog.fixAccounts')}</Link>}
        >
          {t('repos.connectDialog.brokenHidden', { count: hidden })}
        </Alert>
      ) : null}
      <div className="field-slot">
        {!accountId ? null : repositories.isPending ? (
          <div className="inline-status">
            <Spinner size="sm" /> {t('repos.connectDialog.loadingRepositories')}
          </div>
        ) : repositories.isError ? (
          <Alert
            tone="danger"
            live="alert"
            action={
              <Button size="sm" onClick={() => repositories.refetch()}>
                {t('app.retry')}
              </Button>
            }
          >
            {errorMessage(repositories.error, t)}
          </Alert>
        ) : repositories.data.length === 0 ? (
          <Alert tone="info">{t('repos.connectDialog.noRepositories')}</Alert>
        ) : (
          <Select
            label={t('repos.connectDialog.repository')}
            placeholder={t('repos.connectDialog.chooseRepository')}
            value={fullName}
            onChange={(event) => {
              setFullName(event.target.value);
              setError(undefined);
            }}
            options={repositories.data.map((repository) => ({
              value: repository.full_name,
              label: `${repository.full_name}${repository.private ? ` · ${t('repos.private')}` : ''}${
                taken.has(repository.full_name) ? ` · ${t('repos.connectDialog.connectedMark')}` : ''
              }`,
              disabled: taken.has(repository.full_name),
            }))}
            error={error}
          />
        )}
      </div>
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={connect.isPending} disabled={!fullName}>
          {t('repos.connectDialog.submit')}
        </Button>
        <Button variant="ghost" onClick={onClose} disabled={connect.isPending}>
          {t('app.cancel')}
        </Button>
      </div>
    </form>
  );
}

/** A token its provider refused at the last test cannot list or read repositories: not offered. */
const BROKEN: ReadonlySet<ProviderAccount['status']> = new Set([
  'invalid_token',
  'token_expired',
  'insufficient_permissions',
]);

function isConnectable(account: ProviderAccount): boolean {
  return !BROKEN.has(account.status);
}
