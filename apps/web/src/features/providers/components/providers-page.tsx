import { useState } from 'react';
import { Interpolated } from '../../../components/interpolated.tsx';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { ActionMenu } from '../../../components/ui/action-menu.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Notice, type NoticeMessage } from '../../../components/ui/notice.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { ProviderAccount, ProviderTestResult } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useProviderAccounts } from '../api/list-provider-accounts.ts';
import { useTestProviderAccount } from '../api/test-provider-account.ts';
import { AddProviderDialog } from './add-provider-dialog.tsx';
import {
  RemoveAccountDialog,
  RenameAccountDialog,
  ReplaceTokenDialog,
  savedMessage,
} from './provider-dialogs.tsx';
import { STATUS_TONE } from './provider-labels.ts';
import { TestResult } from './test-result.tsx';

type OpenDialog = 'add' | 'replace' | 'rename' | 'remove' | null;

export function ProvidersPage() {
  const t = useT();
  const now = useNow();
  const accounts = useProviderAccounts();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [dialogAccount, setDialogAccount] = useState<ProviderAccount | undefined>();
  const [notice, setNotice] = useState<NoticeMessage | null>(null);
  // The latest test of each account, shown in its row until the page is left.
  const [results, setResults] = useState<Record<string, ProviderTestResult | { failed: unknown }>>({});

  const openFor = (kind: 'replace' | 'rename' | 'remove', account: ProviderAccount) => {
    setNotice(null);
    setDialogAccount(account);
    setDialog(kind);
  };
  const done = (text: string, tone: NoticeMessage['tone'] = 'success') => {
    setDialog(null);
    setNotice({ text, tone });
  };

  const columns: Column<ProviderAccount>[] = [
    {
      key: 'account',
      header: t('providers.table.account'),
      className: 'col-name',
      cell: (account) => (
        <div className="stack-xs">
          <span className="strong">{account.name}</span>
          <span className="muted small">
            {t(`providers.names.${account.provider}`)}
            {account.provider === 'gitlab' ? ` · ${account.base_url}` : ''}
          </span>
        </div>
      ),
    },
    {
      key: 'user',
      header: t('providers.table.user'),
      cell: (account) => account.username ?? <span className="muted">{t('app.none')}</span>,
    },
    {
      key: 'token',
      header: t('providers.table.token'),
      cell: (account) => <code className="code">{account.token_preview}</code>,
    },
    {
      key: 'status',
      header: t('providers.table.status'),
      className: 'col-status',
      cell: (account) => {
        const result = results[account.id];
        return (
          <div className="stack-sm">
            <Chip tone={STATUS_TONE[account.status]}>{t(`providers.status.${account.status}`)}</Chip>
            {account.last_checked_at ? (
              <span className="muted small">
                <Interpolated
                  template={t('providers.table.checked')}
                  slot={<RelativeTime date={account.last_checked_at} now={now} />}
                />
              </span>
            ) : null}
            {result ? (
              'failed' in result ? (
                <p className="small text-danger">{errorMessage(result.failed, t)}</p>
              ) : (
                <TestResult result={result} />
              )
            ) : null}
          </div>
        );
      },
    },
    {
      key: 'actions',
      header: t('providers.table.actions'),
      hideHeader: true,
      className: 'col-actions',
      cell: (account) => (
        <div className="row-actions">
          <TestButton
            account={account}
            onResult={(result) => setResults((current) => ({ ...current, [account.id]: result }))}
          />
          <ActionMenu
            label={t('providers.actions.menu', { name: account.name })}
            items={[
              { label: t('providers.actions.replaceToken'), onSelect: () => openFor('replace', account) },
              { label: t('providers.actions.rename'), onSelect: () => openFor('rename', account) },
              {
                label: t('providers.actions.delete'),
                onSelect: () => openFor('remove', account),
                tone: 'danger',
              },
            ]}
          />
        </div>
      ),
    },
  ];

  return (
    <div className="page">
      <PageHeader
        title={t('providers.title')}
        description={t('providers.intro')}
        actions={
          <Button
            variant="primary"
            onClick={() => {
              setNotice(null);
              setDialog('add');
            }}
          >
            {t('providers.add')}
          </Button>
        }
      />
      <Notice notice={notice} onDismiss={() => setNotice(null)} dismissLabel={t('app.dismiss')} />
      <QueryTable
        query={accounts}
        errorText={errorMessage(accounts.error, t)}
        retryLabel={t('app.retry')}
        caption={t('providers.table.caption')}
        columns={columns}
        rows={accounts.data}
        rowKey={(account) => account.id}
        loadingLabel={t('app.loading')}
        placeholderRows={2}
        empty={
          <EmptyState
            title={t('providers.empty.title')}
            description={t('providers.empty.description')}
            action={
              <Button variant="primary" onClick={() => setDialog('add')}>
                {t('providers.add')}
              </Button>
            }
          />
        }
      />
      <AddProviderDialog
        open={dialog === 'add'}
        onClose={() => setDialog(null)}
        onAdded={(account) => {
          const message = savedMessage(
            account,
            t,
            account.username
              ? t('providers.create.doneAs', { name: account.name, login: account.username })
              : t('providers.create.done', { name: account.name }),
          );
          done(message.text, message.tone);
        }}
      />
      <ReplaceTokenDialog
        open={dialog === 'replace'}
        account={dialogAccount}
        onClose={() => setDialog(null)}
        onDone={(message) => {
          if (dialogAccount) setResults(({ [dialogAccount.id]: _dropped, ...rest }) => rest);
          done(message);
        }}
      />
      <RenameAccountDialog
        open={dialog === 'rename'}
        account={dialogAccount}
        onClose={() => setDialog(null)}
        onDone={done}
      />
      <RemoveAccountDialog
        open={dialog === 'remove'}
        account={dialogAccount}
        onClose={() => setDialog(null)}
        onDone={done}
      />
    </div>
  );
}

function TestButton({
  account,
  onResult,
}: {
  account: ProviderAccount;
  onResult: (result: ProviderTestResult | { failed: unknown }) => void;
}) {
  const t = useT();
  const test = useTestProviderAccount();
  return (
    <>
      <Button
        size="sm"
        loading={test.isPending}
        aria-label={t('providers.actions.testNamed', { name: account.name })}
        onClick={() =>
          test.mutate(account.id, {
            onSuccess: (result) => onResult(result),
            onError: (error) => onResult({ failed: error }),
          })
        }
      >
        {t('providers.actions.test')}
      </Button>
      <span className="visually-hidden" role="status">
        {test.isSuccess
          ? t('providers.test.statusNamed', {
              name: account.name,
              result: test.data.ok
                ? t('providers.test.ok', { login: test.data.login ?? '—' })
                : t(`providers.test.codes.${test.data.error?.code ?? 'unreachable'}`),
            })
          : ''}
      </span>
    </>
  );
}
