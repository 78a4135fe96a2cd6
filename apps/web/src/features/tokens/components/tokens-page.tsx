import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { ActionMenu } from '../../../components/ui/action-menu.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip, type ChipTone } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { type Column, Table } from '../../../components/ui/table.tsx';
import { type Translate, useT } from '../../../i18n/i18n-provider.tsx';
import type { TokenStatus, TokenView } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useTokenPolicy } from '../api/get-token-policy.ts';
import { useTokens } from '../api/list-tokens.ts';
import { EditTokenDialog, RevokeAllDialog, RevokeTokenDialog, RotateTokenDialog } from './token-dialogs.tsx';

const STATUS_TONE: Record<TokenStatus, ChipTone> = {
  active: 'success',
  expired: 'warning',
  revoked: 'neutral',
};

type OpenDialog = { kind: 'edit' | 'rotate' | 'revoke'; token: TokenView } | { kind: 'revokeAll' } | null;

export function TokensPage() {
  const t = useT();
  const now = useNow();
  const tokens = useTokens();
  const policy = useTokenPolicy();
  const [params] = useSearchParams();
  const createdId = params.get('created');
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // The last dialog's token stays set while the dialog animates shut, so its title does not blank.
  const [dialogToken, setDialogToken] = useState<TokenView | undefined>();
  const [notice, setNotice] = useState<string | null>(null);

  const open = (kind: 'edit' | 'rotate' | 'revoke', token: TokenView) => {
    setNotice(null);
    setDialogToken(token);
    setDialog({ kind, token });
  };
  const close = () => setDialog(null);
  const done = (message: string) => {
    setDialog(null);
    setNotice(message);
  };

  const activeCount = tokens.data?.filter((token) => token.status === 'active').length ?? 0;
  const columns: Column<TokenView>[] = [
    {
      key: 'name',
      header: t('tokens.table.name'),
      className: 'col-name',
      cell: (token) => (
        <div className="stack-xs">
          <span className="strong">{token.name}</span>
          <code className="code muted">{token.preview}</code>
          {token.description ? <span className="muted small clamp-2">{token.description}</span> : null}
        </div>
      ),
    },
    {
      key: 'scopes',
      header: t('tokens.table.scopes'),
      cell: (token) => (
        <ul className="chip-list" aria-label={t('tokens.table.scopes')}>
          {token.scopes.map((scope) => (
            <li key={scope}>
              <Chip>{scope}</Chip>
            </li>
          ))}
        </ul>
      ),
    },
    {
      key: 'created',
      className: 'col-nowrap',
      header: t('tokens.table.created'),
      cell: (token) => <RelativeTime date={token.created_at} now={now} />,
    },
    {
      key: 'expires',
      className: 'col-nowrap',
      header: t('tokens.table.expires'),
      cell: (token) => <ExpiryCell token={token} now={now} t={t} />,
    },
    {
      key: 'lastUsed',
      className: 'col-nowrap',
      header: t('tokens.table.lastUsed'),
      cell: (token) =>
        token.last_used_at ? (
          <div className="stack-xs">
            <RelativeTime date={token.last_used_at} now={now} />
            {token.last_used_ip ? (
              <span className="muted small">{t('tokens.table.usedFrom', { ip: token.last_used_ip })}</span>
            ) : null}
          </div>
        ) : (
          <span className="muted">{t('time.neverUsed')}</span>
        ),
    },
    {
      key: 'status',
      header: t('tokens.table.status'),
      cell: (token) => <Chip tone={STATUS_TONE[token.status]}>{t(`tokens.status.${token.status}`)}</Chip>,
    },
    {
      key: 'actions',
      header: t('tokens.table.actions'),
      hideHeader: true,
      className: 'col-actions col-menu',
      cell: (token) =>
        token.status === 'active' ? (
          <ActionMenu
            label={t('tokens.actions.menu', { name: token.name })}
            items={[
              { label: t('tokens.actions.edit'), onSelect: () => open('edit', token) },
              { label: t('tokens.actions.rotate'), onSelect: () => open('rotate', token) },
              { label: t('tokens.actions.revoke'), onSelect: () => open('revoke', token), tone: 'danger' },
            ]}
          />
        ) : null,
    },
  ];

  return (
    <div className="page">
      <PageHeader
        title={t('tokens.title')}
        description={t('tokens.intro')}
        actions={
          <>
            <Button
              variant="ghost"
              className="btn--danger-text"
              disabled={activeCount === 0}
              onClick={() => {
                setNotice(null);
                setDialog({ kind: 'revokeAll' });
              }}
            >
              {t('tokens.revokeAll')}
            </Button>
            <LinkButton to="/settings/tokens/new" variant="primary">
              {t('tokens.generate')}
            </LinkButton>
          </>
        }
      />
      <div className="notice-slot" aria-live="polite">
        {notice ? (
          <Alert
            tone="success"
            action={
              <Button size="sm" variant="ghost" onClick={() => setNotice(null)}>
                {t('app.dismiss')}
              </Button>
            }
          >
            {notice}
          </Alert>
        ) : null}
      </div>
      {tokens.isError ? (
        <Alert
          tone="danger"
          live="alert"
          action={<Button onClick={() => tokens.refetch()}>{t('app.retry')}</Button>}
        >
          {errorMessage(tokens.error, t)}
        </Alert>
      ) : (
        <Table
          caption={t('tokens.table.caption')}
          columns={columns}
          rows={tokens.data}
          rowKey={(token) => token.id}
          loading={tokens.isPending}
          loadingLabel={t('app.loading')}
          rowClassName={(token) =>
            [
              token.id === createdId ? 'table__row--new' : '',
              token.status !== 'active' ? 'table__row--inactive' : '',
            ]
              .filter(Boolean)
              .join(' ') || undefined
          }
          empty={
            <EmptyState
              title={t('tokens.empty.title')}
              description={t('tokens.empty.description')}
              action={
                <LinkButton to="/settings/tokens/new" variant="primary">
                  {t('tokens.generate')}
                </LinkButton>
              }
            />
          }
        />
      )}
      <EditTokenDialog
        open={dialog?.kind === 'edit'}
        token={dialogToken}
        scopeIds={policy.data?.scopes.map((scope) => scope.id) ?? []}
        onClose={close}
        onDone={done}
      />
      <RotateTokenDialog open={dialog?.kind === 'rotate'} token={dialogToken} onClose={close} />
      <RevokeTokenDialog open={dialog?.kind === 'revoke'} token={dialogToken} onClose={close} onDone={done} />
      <RevokeAllDialog open={dialog?.kind === 'revokeAll'} onClose={close} onDone={done} />
    </div>
  );
}

function ExpiryCell({ token, now, t }: { token: TokenView; now: Date; t: Translate }) {
  if (!token.expires_at) return <span>{t('time.never')}</span>;
  if (token.status === 'expired' || new Date(token.expires_at) <= now) {
    return <span className="text-warning">{t('time.expired')}</span>;
  }
  return <RelativeTime date={token.expires_at} now={now} />;
}
